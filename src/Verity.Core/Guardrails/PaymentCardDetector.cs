using System.Text.RegularExpressions;

namespace Verity.Core.Guardrails;

/// <summary>
/// Payment card numbers: 13 to 19 digits, optionally grouped with spaces or dashes the way cards are printed, that
/// pass the Luhn checksum and start like a card issued by a major network (2221–2720, 3, 4, 5, 6). The checksum alone would accept one in ten
/// random digit strings — order numbers, tracking ids — so the issuer prefix cuts that by half again at no cost to
/// real cards.
/// </summary>
public sealed partial class PaymentCardDetector : IPiiDetector
{
    public string Kind => PiiKinds.PaymentCard;

    public string Replacement => "[CARD]";

    public IReadOnlyList<PiiMatch> Find(string text)
    {
        var result = new List<PiiMatch>();
        Span<char> digits = stackalloc char[19];
        foreach (Match m in Pattern().Matches(text))
        {
            var count = 0;
            foreach (var c in m.ValueSpan)
            {
                if (char.IsAsciiDigit(c))
                {
                    digits[count++] = c;
                }
            }

            if (count is >= 13 and <= 19 && IsCardLayout(m.ValueSpan, count) && HasIssuerPrefix(digits[..count]) && PassesLuhn(digits[..count]))
            {
                result.Add(new PiiMatch(m.Index, m.Length));
            }
        }

        return result;
    }

    /// <summary>The Luhn (mod 10) checksum over ASCII digits: from the right, every second digit is doubled (minus 9
    /// when over 9) and the total must be a multiple of 10.</summary>
    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        if (digits.IsEmpty)
        {
            return false;
        }

        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(digits[i]))
            {
                return false;
            }

            var d = digits[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    // Cards are printed 4-4-4-4 (and 4-4-4-4-3 or shorter last groups), Amex 4-6-5, Diners 4-6-4. Lists of numbers
    // ("EXPOSE 4317 4318 12001") and 17–19 digit ids written in one run (span ids, big integers) are not cards.
    private static bool IsCardLayout(ReadOnlySpan<char> candidate, int digits)
    {
        Span<int> groups = stackalloc int[19];
        var count = 0;
        var length = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                length++;
            }
            else
            {
                groups[count++] = length;
                length = 0;
            }
        }

        groups[count++] = length;
        if (count == 1)
        {
            return digits <= 16;
        }

        var layout = groups[..count];
        if (count == 3 && layout[0] == 4 && layout[1] == 6 && layout[2] is 4 or 5)
        {
            return true;
        }

        for (var i = 0; i < count - 1; i++)
        {
            if (layout[i] != 4)
            {
                return false;
            }
        }

        return layout[^1] is >= 1 and <= 4;
    }

    // Visa 4; Mastercard 51–55 and 2221–2720; Maestro 50, 56–69; Amex 34, 37; Diners 30, 36, 38, 39; JCB 35;
    // Discover and UnionPay 6. Numbers starting 0, 1, 7, 8 or 9 are not issued as payment cards by these networks.
    private static bool HasIssuerPrefix(ReadOnlySpan<char> digits) => digits[0] switch
    {
        '3' or '4' or '5' or '6' => true,
        '2' => int.Parse(digits[..4], provider: System.Globalization.CultureInfo.InvariantCulture) is >= 2221 and <= 2720,
        _ => false,
    };

    // Not inside a longer digit sequence; the count of digits (separators not included) is checked afterwards.
    // A decimal point before or after means a fraction or a version, not a card.
    [GeneratedRegex(@"(?<![\w\-.]|[0-9][ \-])[0-9](?:[ \-]?[0-9]){12,18}(?![\w]|[ \-.][0-9])",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, 1000)]
    private static partial Regex Pattern();
}
