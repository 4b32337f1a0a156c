using Verity.Core.Guardrails;

namespace Verity.Core.Tests.Guardrails;

public sealed class UsSsnDetectorTests
{
    private static readonly UsSsnDetector Detector = new();

    [Theory]
    [InlineData("536-22-1234")]
    [InlineData("123-45-6789")]
    [InlineData("001-01-0001")]
    [InlineData("899-99-9999")]
    [InlineData("665-12-3456")]
    public void Find_ValidSsn_Matched(string ssn)
    {
        var text = $"SSN: {ssn}.";

        var match = Assert.Single(Detector.Find(text));

        Assert.Equal(ssn, text.Substring(match.Index, match.Length));
    }

    [Theory]
    [InlineData("000-12-3456")]
    [InlineData("666-12-3456")]
    [InlineData("900-12-3456")]
    [InlineData("987-65-4321")]
    [InlineData("123-00-4567")]
    [InlineData("123-45-0000")]
    [InlineData("123456789")]
    [InlineData("123 45 6789")]
    [InlineData("1123-45-6789")]
    [InlineData("123-45-67890")]
    [InlineData("123-45-6789-1")]
    [InlineData("A123-45-6789")]
    public void Find_InvalidOrUnformatted_NotMatched(string text)
    {
        Assert.Empty(Detector.Find($"Number {text} here."));
    }
}
