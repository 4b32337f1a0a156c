using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Verity.Core.Guardrails;

/// <summary>
/// International Bank Account Numbers: country code, two check digits and the BBAN, written contiguously or in
/// groups of four. A candidate counts only when the ISO 13616 mod-97 check passes and, for countries in the IBAN
/// registry table below, the length is the country's; that makes a chance hit in product keys or part numbers
/// rarer than one in several thousand.
/// </summary>
public sealed partial class IbanDetector : IPiiDetector
{
    private const int MinLength = 15;

    // From the SWIFT IBAN registry. A country missing here is still accepted on the checksum alone.
    private static readonly FrozenDictionary<string, int> Lengths = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BI"] = 27, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24,
        ["DE"] = 22, ["DJ"] = 27, ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18,
        ["FK"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27,
        ["GT"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26, ["IT"] = 27,
        ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20,
        ["LV"] = 21, ["LY"] = 25, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MN"] = 20, ["MR"] = 27,
        ["MT"] = 31, ["MU"] = 30, ["NL"] = 18, ["NO"] = 15, ["OM"] = 23, ["PK"] = 24, ["PL"] = 28, ["PS"] = 29,
        ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["RU"] = 33, ["SA"] = 24, ["SC"] = 31, ["SD"] = 18,
        ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["SO"] = 23, ["ST"] = 25, ["SV"] = 28, ["TL"] = 23,
        ["TN"] = 24, ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20, ["YE"] = 30,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public string Kind => PiiKinds.Iban;

    public string Replacement => "[IBAN]";

    public IReadOnlyList<PiiMatch> Find(string text)
    {
        var result = new List<PiiMatch>();
        foreach (Match m in Pattern().Matches(text))
        {
            var length = ValidLength(m.ValueSpan);
            if (length > 0)
            {
                result.Add(new PiiMatch(m.Index, length));
            }
        }

        return result;
    }

    /// <summary>True when <paramref name="iban"/> (spaces allowed) has a valid shape and passes mod 97.</summary>
    public static bool IsValid(string iban)
    {
        var compact = iban.Replace(" ", "", StringComparison.Ordinal);
        return compact.Length is >= MinLength and <= 34
            && char.IsAsciiLetterUpper(compact[0]) && char.IsAsciiLetterUpper(compact[1])
            && char.IsAsciiDigit(compact[2]) && char.IsAsciiDigit(compact[3])
            && (!Lengths.TryGetValue(compact[..2], out var expected) || expected == compact.Length)
            && Mod97(compact) == 1;
    }

    // The pattern is greedy and may take a following word of four capitals ("… 7654 32 FROM"), so the IBAN is the
    // longest prefix that ends at a group boundary and validates: the registry length where known, otherwise the
    // longest candidate that passes the checksum.
    private static int ValidLength(ReadOnlySpan<char> candidate)
    {
        for (var end = candidate.Length; end > 0; end--)
        {
            if (end < candidate.Length && candidate[end] != ' ')
            {
                continue;
            }

            var prefix = candidate[..end].TrimEnd(' ');
            if (prefix.Length == end && IsValid(prefix.ToString()))
            {
                return end;
            }
        }

        return 0;
    }

    // ISO 7064 MOD 97-10: move the first four characters to the end, read letters as 10..35, and reduce digit by
    // digit so the number never needs more than an int.
    private static int Mod97(string compact)
    {
        var remainder = 0;
        for (var i = 0; i < compact.Length; i++)
        {
            var c = compact[(i + 4) % compact.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return -1;
            }
        }

        return remainder;
    }

    [GeneratedRegex(@"(?<![\w])[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?![\w])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, 1000)]
    private static partial Regex Pattern();
}
