using Verity.Core.Guardrails;

namespace Verity.Core.Tests.Guardrails;

public sealed class UkNationalInsuranceDetectorTests
{
    private static readonly UkNationalInsuranceDetector Detector = new();

    [Theory]
    [InlineData("AB 12 34 56 C")]
    [InlineData("AB123456C")]
    [InlineData("JG103759A")]
    [InlineData("CE 123456 D")]
    [InlineData("ZY 98 76 54 B")]
    public void Find_ValidNiNumber_Matched(string ni)
    {
        var text = $"NI number: {ni}.";

        var match = Assert.Single(Detector.Find(text));

        Assert.Equal(ni, text.Substring(match.Index, match.Length));
    }

    [Theory]
    // Q is never a first letter (QQ 12 34 56 C is HMRC's specimen).
    [InlineData("QQ 12 34 56 C")]
    [InlineData("DA 12 34 56 A")]
    [InlineData("FA123456A")]
    [InlineData("IA123456A")]
    [InlineData("UA123456A")]
    [InlineData("VA123456A")]
    // O is never a second letter.
    [InlineData("AO 12 34 56 A")]
    // Prefixes that are not allocated.
    [InlineData("BG 12 34 56 A")]
    [InlineData("GB123456A")]
    [InlineData("KN123456A")]
    [InlineData("NK123456A")]
    [InlineData("NT123456A")]
    [InlineData("TN123456A")]
    [InlineData("ZZ123456A")]
    // Suffix must be A–D.
    [InlineData("AB 12 34 56 E")]
    // Wrong number of digits, lower case, glued to other text.
    [InlineData("AB12345C")]
    [InlineData("ab123456c")]
    [InlineData("XAB123456C")]
    public void Find_InvalidNiNumber_NotMatched(string text)
    {
        Assert.Empty(Detector.Find($"Reference {text} here."));
    }
}
