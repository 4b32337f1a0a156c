using Verity.Core.Retrieval;
using Verity.Core.Text;

namespace Verity.Core.Tests;

public sealed class ExcerptBuilderTests
{
    private static HashSet<string> Stems(string query) => Terms.ContentTerms(query).ToHashSet(StringComparer.Ordinal);

    private static string Visible(string excerpt) => excerpt.Replace("**", "", StringComparison.Ordinal).Replace("…", "", StringComparison.Ordinal);

    private static string Filler(string word, int count) => string.Join(' ', Enumerable.Repeat(word, count));

    [Fact]
    public void Build_QueryTerms_WrappedInDoubleAsterisks()
    {
        var excerpt = ExcerptBuilder.Build("Rotate the signing keys every 90 days.", Stems("rotate keys"));

        Assert.Equal("**Rotate** the signing **keys** every 90 days.", excerpt);
    }

    [Fact]
    public void Build_OtherInflectionOfQueryTerm_IsHighlighted()
    {
        var excerpt = ExcerptBuilder.Build("The certificates were rotated yesterday.", Stems("rotate certificate"));

        Assert.Equal("The **certificates** were **rotated** yesterday.", excerpt);
    }

    [Fact]
    public void Build_WordsContainingTheTermAsSubstring_NotHighlighted()
    {
        var excerpt = ExcerptBuilder.Build("Keyboards and monkeys are not keys.", Stems("key"));

        Assert.Equal("Keyboards and monkeys are not **keys**.", excerpt);
    }

    [Fact]
    public void Build_LongText_WindowAroundTheDensestHits()
    {
        var text = $"The vpn is mentioned once here. {Filler("filler", 60)} To rotate vpn certificates, run the vpn rotate command for each certificate. {Filler("padding", 60)}";

        var excerpt = ExcerptBuilder.Build(text, Stems("rotate vpn certificate"), maxChars: 120);

        Assert.Contains("To **rotate** **vpn** **certificates**, run the **vpn** **rotate** command for each **certificate**", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain("mentioned once", excerpt, StringComparison.Ordinal);
        Assert.StartsWith("…", excerpt, StringComparison.Ordinal);
        Assert.EndsWith("…", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HitsAtTheStart_NoLeadingEllipsisButTrailingOne()
    {
        var excerpt = ExcerptBuilder.Build($"Rotate keys first. {Filler("filler", 100)}", Stems("rotate keys"), maxChars: 60);

        Assert.StartsWith("**Rotate** **keys** first.", excerpt, StringComparison.Ordinal);
        Assert.EndsWith("…", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_HitsAtTheEnd_LeadingEllipsisButNoTrailingOne()
    {
        var excerpt = ExcerptBuilder.Build($"{Filler("filler", 100)} then rotate keys.", Stems("rotate keys"), maxChars: 60);

        Assert.StartsWith("…", excerpt, StringComparison.Ordinal);
        Assert.Matches(@"\*\*rotate\*\* \*\*keys\*\*\.?$", excerpt);
    }

    [Theory]
    [InlineData("Rotate the keys.")]
    [InlineData("- Rotate the keys")]
    [InlineData("(Rotate the keys!)")]
    public void Build_WholeTextFits_NoEllipsis(string text)
    {
        var excerpt = ExcerptBuilder.Build(text, Stems("rotate"));

        Assert.DoesNotContain("…", excerpt, StringComparison.Ordinal);
        Assert.Contains("**Rotate** the keys", excerpt, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(40)]
    [InlineData(120)]
    [InlineData(240)]
    public void Build_LongText_VisibleLengthBounded(int maxChars)
    {
        var text = string.Join(' ', Enumerable.Range(0, 300).Select(i => i % 7 == 0 ? "rotate" : $"word{i}"));

        var excerpt = ExcerptBuilder.Build(text, Stems("rotate"), maxChars);

        Assert.InRange(Visible(excerpt).Length, maxChars / 2, maxChars);
        Assert.Contains("**rotate**", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SingleWordLongerThanMaxChars_IsCut()
    {
        var blob = new string('x', 1000);

        var excerpt = ExcerptBuilder.Build($"{blob} tail", Stems("anything"), maxChars: 100);

        Assert.Equal(100, Visible(excerpt).Length);
        Assert.EndsWith("…", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoHits_StartsAtTheBeginningWithoutMarkers()
    {
        var excerpt = ExcerptBuilder.Build($"Opening words here. {Filler("filler", 100)}", Stems("certificate"), maxChars: 60);

        Assert.StartsWith("Opening words here.", excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain("**", excerpt, StringComparison.Ordinal);
        Assert.EndsWith("…", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LineBreaks_BecomeSpaces()
    {
        var excerpt = ExcerptBuilder.Build("First line\nsecond line\r\nthird line", Stems("second"));

        Assert.Equal("First line **second** line third line", excerpt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ... --- !!! ")]
    public void Build_TextWithoutWords_ReturnsEmpty(string text) => Assert.Equal("", ExcerptBuilder.Build(text, Stems("rotate")));
}
