using System.ComponentModel.DataAnnotations;
using Verity.Core.Generation.Prompting;

namespace Verity.Core.Tests.Generation;

public sealed class PromptOptionsTests
{
    private static PromptTemplate Template(string system, string user, string version = "1") =>
        new() { Version = version, System = system, User = user };

    [Fact]
    public void Validate_Defaults_PassAndUseTheGroundedTemplate()
    {
        var options = new PromptOptions();

        options.Validate();
        Assert.Equal(BuiltInPromptTemplates.Grounded + "@" + BuiltInPromptTemplates.GroundedTemplate.Version,
            new PromptBuilder(options, GenerationFixtures.Tokens).TemplateId);
    }

    [Fact]
    public void Validate_UnknownTemplate_NamesTheKnownOnesAndWhereToDefineIt()
    {
        var options = new PromptOptions { Template = "terse" };
        options.Templates["mine"] = Template("Rules.", "{sources}\n{question}");

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("'terse'", error.Message, StringComparison.Ordinal);
        Assert.Contains(BuiltInPromptTemplates.Grounded, error.Message, StringComparison.Ordinal);
        Assert.Contains("mine", error.Message, StringComparison.Ordinal);
        Assert.Contains("Verity:Prompt:Templates:terse", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Answer from these.", "Question: {question}", "{sources}")]
    [InlineData("Sources: {sources}", "Be brief.", "{question}")]
    public void Validate_TemplateWithoutPlaceholder_NamesTheTemplateAndPlaceholder(string system, string user, string missing)
    {
        var options = new PromptOptions { Template = "custom" };
        options.Templates["custom"] = Template(system, user);

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Templates:custom", error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PlaceholdersSplitOverSystemAndUser_Pass()
    {
        var options = new PromptOptions { Template = "split" };
        options.Templates["split"] = Template("Sources:\n{sources}", "{question}");

        options.Validate();
    }

    [Fact]
    public void Validate_TemplateWithoutVersion_AsksForOne()
    {
        var options = new PromptOptions();
        options.Templates["grounded"] = Template("{sources}", "{question}", version: " ");

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Version", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(PromptOptions.MinContextTokens - 1)]
    [InlineData(PromptOptions.MaxContextTokens + 1)]
    public void Validate_ContextTokensOutOfRange_GivesTheRange(int budget)
    {
        var options = new PromptOptions { ContextTokens = budget };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("ContextTokens", error.Message, StringComparison.Ordinal);
        Assert.Contains(PromptOptions.MinContextTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PromptOptions.MinContextTokens)]
    [InlineData(PromptOptions.MaxContextTokens)]
    public void Validate_ContextTokensAtTheLimits_Pass(int budget) =>
        new PromptOptions { ContextTokens = budget }.Validate();

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Validate_DuplicateThresholdOutOfRange_Throws(double threshold)
    {
        var error = Assert.Throws<InvalidOperationException>(new PromptOptions { DuplicateThreshold = threshold }.Validate);

        Assert.Contains("DuplicateThreshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyNoAnswerText_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(new PromptOptions { NoAnswerText = "" }.Validate);

        Assert.Contains("NoAnswerText", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateWithContext_SeveralProblems_ReportsEachOnce()
    {
        var options = new PromptOptions { Template = "nope", ContextTokens = 1, NoAnswerText = " " };

        var results = ((IValidatableObject)options).Validate(new ValidationContext(options)).ToList();

        Assert.Equal(3, results.Count);
    }

    [Fact]
    public void AllTemplates_ConfiguredTemplateOfTheSameName_ReplacesTheBuiltInWhateverTheCase()
    {
        var options = new PromptOptions();
        options.Templates["Grounded"] = Template("Own rules. {no_answer}", "{sources}\n{question}", version: "7");

        var builder = new PromptBuilder(options, GenerationFixtures.Tokens);
        var prompt = builder.Build("Why?", [GenerationFixtures.Result("a", 0, "Because.")]);

        Assert.Single(options.AllTemplates());
        Assert.EndsWith("@7", builder.TemplateId, StringComparison.Ordinal);
        Assert.Equal("Own rules. " + options.NoAnswerText, prompt.Messages[0].Text);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsBeforeAnyPromptIsBuilt() =>
        Assert.Throws<InvalidOperationException>(() => new PromptBuilder(new PromptOptions { Template = "nope" }, GenerationFixtures.Tokens));
}
