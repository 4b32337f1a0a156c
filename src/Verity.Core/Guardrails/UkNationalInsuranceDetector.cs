using System.Text.RegularExpressions;

namespace Verity.Core.Guardrails;

/// <summary>
/// UK National Insurance numbers: two prefix letters, six digits (often in pairs) and a suffix A–D. The first
/// letter is never D, F, I, Q, U or V, the second never D, F, I, O, Q, U or V, and the prefixes BG, GB, KN, NK, NT,
/// TN and ZZ are not allocated; numbers outside those rules (HMRC's QQ 12 34 56 C example among them) are left
/// alone. Upper case only, as they are printed.
/// </summary>
public sealed partial class UkNationalInsuranceDetector : IPiiDetector
{
    public string Kind => PiiKinds.UkNationalInsurance;

    public string Replacement => "[NI]";

    public IReadOnlyList<PiiMatch> Find(string text) =>
        [.. Pattern().Matches(text).Select(m => new PiiMatch(m.Index, m.Length))];

    [GeneratedRegex(
        @"(?<![\w])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![\w])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, 1000)]
    private static partial Regex Pattern();
}
