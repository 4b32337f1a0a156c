using System.Text.RegularExpressions;

namespace Verity.Core.Guardrails;

/// <summary>
/// E-mail addresses of the usual shape: a dot-atom local part, <c>@</c>, dot-separated host labels and a
/// letters-only top-level domain. Quoted local parts and IP-literal hosts are legal but never seen in prose, and
/// allowing them would make the pattern greedy; hosts without a dot (<c>root@localhost</c>) are not personal data.
/// </summary>
public sealed partial class EmailDetector : IPiiDetector
{
    public string Kind => PiiKinds.Email;

    public string Replacement => "[EMAIL]";

    public IReadOnlyList<PiiMatch> Find(string text) =>
        [.. Pattern().Matches(text).Select(m => new PiiMatch(m.Index, m.Length))];

    // Length caps (64 for the local part, 63 per label) come from RFC 5321 and keep backtracking bounded.
    [GeneratedRegex(
        @"(?<![\p{L}\p{N}_.%+\-])[\p{L}\p{N}](?:[\p{L}\p{N}._%+\-]{0,62}[\p{L}\p{N}_%+\-])?@" +
        @"(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}(?![\p{L}\p{N}_\-]|\.[\p{L}\p{N}])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, 1000)]
    private static partial Regex Pattern();
}
