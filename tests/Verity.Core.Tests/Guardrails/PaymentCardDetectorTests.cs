using Verity.Core.Guardrails;

namespace Verity.Core.Tests.Guardrails;

public sealed class PaymentCardDetectorTests
{
    private static readonly PaymentCardDetector Detector = new();

    // Luhn by hand: from the rightmost digit, every second digit is doubled (minus 9 when over 9); the number is
    // valid when undoubled sum + doubled sum is a multiple of 10.
    [Theory]
    // 4111 1111 1111 1111: undoubled 1×8 = 8; doubled 4→8 and 1→2 ×7 = 22; 8 + 22 = 30 → valid.
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("4111111111111111")]
    // 5555 5555 5555 4444: undoubled 5×6 + 4×2 = 38; doubled 5→1 ×6 + 4→8 ×2 = 22; 60 → valid.
    [InlineData("5555 5555 5555 4444")]
    // 3782 822463 10005 (Amex, 4-6-5): undoubled 3+8+8+2+6+1+0+5 = 33; doubled 7→5, 2→4, 2→4, 4→8, 3→6, 0, 0 = 27; 60 → valid.
    [InlineData("3782 822463 10005")]
    // 6011 1111 1111 1117 (Discover): undoubled 0+1×6+7 = 13; doubled 6→3 and 1→2 ×7 = 17; 30 → valid.
    [InlineData("6011 1111 1111 1117")]
    // 3530 1113 3330 0000 (JCB): undoubled 5+0+1+3+3+0+0+0 = 12; doubled 3→6, 3→6, 1→2, 1→2, 3→6, 3→6, 0, 0 = 28; 40 → valid.
    [InlineData("3530 1113 3330 0000")]
    // 2223 0000 4841 0010 (Mastercard 2-series): undoubled 2+3+0+0+8+1+0+0 = 14; doubled 2→4, 2→4, 0, 0, 4→8, 4→8, 0, 1→2 = 26; 40 → valid.
    [InlineData("2223 0000 4841 0010")]
    // 4012888888881881: undoubled 0+2+8+8+8+8+8+1 = 43; doubled 4→8, 1→2, 8→7 ×4, 1→2, 8→7 = 47; 90 → valid.
    [InlineData("4012888888881881")]
    // 4222222222222 (13-digit Visa): undoubled 4 + 2×6 = 16; doubled 2→4 ×6 = 24; 40 → valid.
    [InlineData("4222222222222")]
    public void Find_ValidCardNumber_Matched(string card)
    {
        var text = $"Card: {card}, expires 12/29.";

        var match = Assert.Single(Detector.Find(text));

        Assert.Equal(card, text.Substring(match.Index, match.Length));
    }

    [Theory]
    // One digit changed breaks the checksum: 4111 1111 1111 1112 → undoubled 9 + doubled 22 = 31.
    [InlineData("4111 1111 1111 1112")]
    // 5555 5555 5555 4445 → 39 + 22 = 61.
    [InlineData("5555 5555 5555 4445")]
    // 3782 822463 10006 → 34 + 27 = 61.
    [InlineData("3782 822463 10006")]
    // 1234 5678 9012 3456 → 32 + 32 = 64 (and 1 is no issuer prefix).
    [InlineData("1234 5678 9012 3456")]
    // 0000 0000 0000 0000 → 0: Luhn-valid, but no network issues cards starting with 0.
    [InlineData("0000 0000 0000 0000")]
    // 8111 1111 1111 1112 → 9 + 21 = 30: Luhn-valid, but 8 is no card network's prefix.
    [InlineData("8111 1111 1111 1112")]
    // 12 digits: too short for a card.
    [InlineData("4111 1111 1111")]
    // 4317 4318 12001 → 12 + 28 = 40, Luhn-valid, but a list of port numbers is not a card layout.
    [InlineData("4317 4318 12001")]
    // 5581431573601075988 → 56 + 24 = 80, Luhn-valid, but 19 digits in one run are an id (an Erlang span id), not a card.
    [InlineData("5581431573601075988")]
    public void Find_InvalidOrImplausibleNumber_NotMatched(string number)
    {
        Assert.Empty(Detector.Find($"Reference {number} attached."));
    }

    [Theory]
    [InlineData("Sum: 1330.4766000000002 ms")]
    [InlineData("account 94111111111111111")]
    [InlineData("id 4111111111111111-7")]
    [InlineData("v4111111111111111")]
    public void Find_DigitsInsideLongerToken_NotMatched(string text)
    {
        Assert.Empty(Detector.Find(text));
    }

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("79927398713", true)]
    [InlineData("79927398710", false)]
    [InlineData("", false)]
    [InlineData("4111a11111111111", false)]
    public void PassesLuhn_KnownValues_AsExpected(string digits, bool expected)
    {
        Assert.Equal(expected, PaymentCardDetector.PassesLuhn(digits));
    }
}
