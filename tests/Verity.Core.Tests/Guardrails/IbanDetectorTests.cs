using Verity.Core.Guardrails;

namespace Verity.Core.Tests.Guardrails;

public sealed class IbanDetectorTests
{
    private static readonly IbanDetector Detector = new();

    [Theory]
    [InlineData("GB82 WEST 1234 5698 7654 32")]
    [InlineData("GB82WEST12345698765432")]
    [InlineData("DE89 3704 0044 0532 0130 00")]
    [InlineData("DE89370400440532013000")]
    [InlineData("FR14 2004 1010 0505 0001 3M02 606")]
    [InlineData("NL91 ABNA 0417 1643 00")]
    [InlineData("NO93 8601 1117 947")]
    [InlineData("CH93 0076 2011 6238 5295 7")]
    [InlineData("BE68 5390 0754 7034")]
    public void Find_ValidIban_MatchedExactly(string iban)
    {
        var text = $"Please pay to {iban}. Thanks!";

        var match = Assert.Single(Detector.Find(text));

        Assert.Equal(iban, text.Substring(match.Index, match.Length));
    }

    [Theory]
    // One digit changed in the BBAN: the mod-97 remainder is 28, not 1.
    [InlineData("GB82 WEST 1234 5698 7654 33")]
    [InlineData("DE89 3704 0044 0532 0130 01")]
    // One check digit changed.
    [InlineData("DE88 3704 0044 0532 0130 00")]
    // A character dropped: wrong length for GB (21, not 22).
    [InlineData("GB82 WEST 1234 5698 7654 3")]
    // Lower case is not how IBANs are printed.
    [InlineData("gb82 west 1234 5698 7654 32")]
    // Not an IBAN shape at all.
    [InlineData("AB12 CDEF")]
    [InlineData("ISO 8601 2024 0115")]
    public void Find_InvalidIban_NotMatched(string text)
    {
        Assert.Empty(Detector.Find($"Account {text} on file."));
    }

    [Fact]
    public void Find_IbanFollowedByCapitalisedWord_MatchStopsAtTheIban()
    {
        const string Text = "IBAN GB82 WEST 1234 5698 7654 32 FROM ACME LTD";

        var match = Assert.Single(Detector.Find(Text));

        Assert.Equal("GB82 WEST 1234 5698 7654 32", Text.Substring(match.Index, match.Length));
    }

    [Fact]
    public void Find_IbanGluedToWord_NotMatched()
    {
        Assert.Empty(Detector.Find("XGB82WEST12345698765432"));
    }

    [Theory]
    [InlineData("GB82 WEST 1234 5698 7654 32", true)]
    [InlineData("GB82 WEST 1234 5698 7654 33", false)]
    [InlineData("DE89 3704 0044 0532 0130 00", true)]
    [InlineData("DE8937040044053201300", false)]
    [InlineData("", false)]
    public void IsValid_KnownValues_AsExpected(string iban, bool expected)
    {
        Assert.Equal(expected, IbanDetector.IsValid(iban));
    }
}
