using System.Text.RegularExpressions;

namespace Verity.Core.Guardrails;

/// <summary>
/// Telephone numbers in the shapes people write them: international (<c>+44 20 7946 0958</c>,
/// <c>+1 (555) 123-4567</c>, <c>0049 30 1234567</c>), North American (<c>(555) 123-4567</c>, <c>555.123.4567</c>)
/// and national numbers with a trunk 0 (<c>020 7946 0958</c>, <c>06 12 34 56 78</c>, <c>(030) 1234567</c>).
/// </summary>
/// <remarks>
/// Numbers are everywhere in documents, so a number only counts as a phone number when its <em>formatting</em>
/// says so: a leading <c>+</c>, or a trunk 0 / area code followed by separators, and 8 to 15 digits (E.164 allows
/// 15). That leaves years, dates (<c>2024-01-15</c>, <c>15.01.2024</c>), versions (<c>4.8.1</c>), IP addresses,
/// amounts, time stamps and unformatted ids (<c>order 123456789012</c>, but also an unformatted <c>07700900123</c>) alone. A
/// digit group that continues another (<c>… 4 0532 0130 00</c> inside an account number) is not a phone number either.
/// </remarks>
public sealed partial class PhoneNumberDetector : IPiiDetector
{
    private const int MinDigits = 8;
    private const int MaxDigits = 15;

    public string Kind => PiiKinds.Phone;

    public string Replacement => "[PHONE]";

    public IReadOnlyList<PiiMatch> Find(string text)
    {
        var candidates = new List<PiiMatch>();
        foreach (var pattern in (Regex[])[International(), NorthAmerican(), TrunkPrefixed()])
        {
            foreach (Match m in pattern.Matches(text))
            {
                if (IsPlausible(m.ValueSpan))
                {
                    candidates.Add(new PiiMatch(m.Index, m.Length));
                }
            }
        }

        // The shapes overlap ("+1 555 123 4567" is international and North American): keep the longest.
        candidates.Sort((a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : b.Length.CompareTo(a.Length));
        var result = new List<PiiMatch>(candidates.Count);
        foreach (var c in candidates)
        {
            if (result.Count == 0 || c.Index >= result[^1].Index + result[^1].Length)
            {
                result.Add(c);
            }
        }

        return result;
    }

    private static bool IsPlausible(ReadOnlySpan<char> candidate)
    {
        var digits = 0;
        var separators = 0;
        var open = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is ' ' or '.' or '-' or '/')
            {
                separators++;
            }
            else if (c == '(')
            {
                open++;
            }
            else if (c == ')')
            {
                open--;
            }
        }

        // "0049…" spends two digits on the international prefix; written without any separator it is more likely
        // an id with leading zeros than a phone number.
        if (candidate.StartsWith("00"))
        {
            digits -= 2;
            if (separators == 0 && !candidate.Contains('('))
            {
                return false;
            }
        }

        return digits is >= MinDigits and <= MaxDigits && open == 0 && !Date().IsMatch(candidate) && !IpAddress().IsMatch(candidate)
            && !(candidate.Contains('.') && HasGroupLongerThan(candidate, 4));
    }

    // Dotted phone numbers come in short groups (555.123.4567, 01.23.45.67.89); a long run after a dot is the
    // fraction of a decimal number ("03.14159265").
    private static bool HasGroupLongerThan(ReadOnlySpan<char> candidate, int max)
    {
        var run = 0;
        foreach (var c in candidate)
        {
            run = char.IsAsciiDigit(c) ? run + 1 : 0;
            if (run > max)
            {
                return true;
            }
        }

        return false;
    }

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    // Not preceded by a word character, a plus, or a digit group it would continue (including the seconds of a
    // time stamp, "14:25:03.037-0500"); not followed by more digits.
    private const string Start = @"(?<![\w+]|[0-9][ .\-/:])";
    private const string End = @"(?![\w]|[ .\-/][0-9])";

    // Separators between groups are required after the country code, so a group boundary is never guessed inside
    // a digit run: the atomic groups then keep backtracking linear.
    [GeneratedRegex(
        Start + @"(?:\+|00)[1-9](?>[0-9]{0,14})(?:[ .\-/]?\([0-9]{1,5}\)[ .\-]?(?>[0-9]{1,12})|[ .\-/](?>[0-9]{1,12})){0,8}" + End,
        Options, 1000)]
    private static partial Regex International();

    [GeneratedRegex(
        Start + @"(?:\+?1[ .\-])?(?:\([2-9][0-9]{2}\)[ ]?|[2-9][0-9]{2}[ .\-])[0-9]{3}[ .\-][0-9]{4}" + End,
        Options, 1000)]
    private static partial Regex NorthAmerican();

    // A trunk prefix is 0 followed by a non-zero digit: "00…" is the international prefix, "0-306-…" an ISBN.
    [GeneratedRegex(
        Start + @"(?:\(0[1-9][0-9]{0,4}\)[ \-]?|0[1-9][0-9]{0,4}[ .\-/])(?>[0-9]{2,8})(?:[ .\-](?>[0-9]{2,8})){0,4}" + End,
        Options, 1000)]
    private static partial Regex TrunkPrefixed();

    [GeneratedRegex(@"^(?:[0-9]{4}[\-./][0-9]{1,2}[\-./][0-9]{1,2}|[0-9]{1,2}[\-./][0-9]{1,2}[\-./](?:[0-9]{2}|[0-9]{4}))$", Options, 1000)]
    private static partial Regex Date();

    [GeneratedRegex(@"^[0-9]{1,3}(?:\.[0-9]{1,3}){3}$", Options, 1000)]
    private static partial Regex IpAddress();
}
