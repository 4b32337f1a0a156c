using System.ComponentModel.DataAnnotations;
using Verity.Core.Guardrails;

namespace Verity.Core.Tests.Guardrails;

public sealed class GuardrailOptionsTests
{
    private static List<ValidationResult> Validate(GuardrailOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new GuardrailOptions();

        Assert.Equal(2000, options.MaxQueryLength);
        Assert.True(options.BlockInjectionInQueries);
        Assert.True(options.ExcludeFlaggedChunks);
        Assert.False(options.RedactPiiAtIngestion);
        Assert.True(options.RedactPiiInAnswers);
        Assert.True(options.Pii is { Email: true, Phone: true, PaymentCard: true, Iban: true, UsSsn: true, UkNationalInsurance: true });
        Assert.Empty(options.CustomInjectionPatterns);
        Assert.Empty(Validate(options));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void Validate_MaxQueryLengthOutOfRange_Error(int length)
    {
        var results = Validate(new GuardrailOptions { MaxQueryLength = length });

        Assert.Contains(results, r => r.MemberNames.Contains(nameof(GuardrailOptions.MaxQueryLength)));
    }

    [Fact]
    public void Validate_InvalidCustomPattern_ErrorNamesItsNumber()
    {
        var options = new GuardrailOptions();
        options.CustomInjectionPatterns.Add(@"fine\s+pattern");
        options.CustomInjectionPatterns.Add("(unclosed");
        options.CustomInjectionPatterns.Add(" ");

        var results = Validate(options);

        Assert.Equal(2, results.Count);
        Assert.StartsWith("Custom injection pattern 2 ", results[0].ErrorMessage, StringComparison.Ordinal);
        Assert.StartsWith("Custom injection pattern 3 ", results[1].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PatternWithBackreference_Accepted()
    {
        var options = new GuardrailOptions();
        options.CustomInjectionPatterns.Add(@"(\w+) \1");

        Assert.Empty(Validate(options));
    }
}
