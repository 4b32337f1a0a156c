using System.Text.RegularExpressions;

namespace Verity.Core.Guardrails;

/// <summary>
/// US Social Security numbers written AAA-GG-SSSS. Area 000, 666 and 900–999, group 00 and serial 0000 are never
/// issued, so they are not redacted. Undashed nine-digit runs are left alone: in prose they are far more often ids.
/// </summary>
public sealed partial class UsSsnDetector : IPiiDetector
{
    public string Kind => PiiKinds.UsSsn;

    public string Replacement => "[SSN]";

    public IReadOnlyList<PiiMatch> Find(string text) =>
        [.. Pattern().Matches(text).Select(m => new PiiMatch(m.Index, m.Length))];

    [GeneratedRegex(@"(?<![\w\-])(?!000|666|9)[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}(?![\w]|-[0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, 1000)]
    private static partial Regex Pattern();
}
