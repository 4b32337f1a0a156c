using System.Text;
using Verity.Core.Text;

namespace Verity.Core.Tests;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("one\r\ntwo\r\nthree", "one\ntwo\nthree")]
    [InlineData("one\rtwo", "one\ntwo")]
    [InlineData("one\r\n\r\ntwo", "one\n\ntwo")]
    [InlineData("one\u2028two\u2029three", "one\ntwo\nthree")]
    public void Normalize_LineBreaks_BecomeLf(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Theory]
    [InlineData("a\tb", "a b")]
    [InlineData("a \t \u00A0 b", "a b")]
    [InlineData("a\u00A0b\u202Fc\u2003d", "a b c d")]
    [InlineData("a     b", "a b")]
    public void Normalize_RunsOfSpacesTabsAndNbsp_CollapseToOneSpace(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Theory]
    [InlineData("a\n\n\nb", "a\n\nb")]
    [InlineData("a\n\n\n\n\n\nb", "a\n\nb")]
    [InlineData("a\n \n\t\n  \nb", "a\n\nb")]
    [InlineData("a\n\nb", "a\n\nb")]
    [InlineData("a\nb", "a\nb")]
    public void Normalize_ThreeOrMoreNewlines_BecomeTwo(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Theory]
    [InlineData("zero\u200Bwidth", "zerowidth")]
    [InlineData("non\u200Cjoiner\u200Djoiner", "nonjoinerjoiner")]
    [InlineData("word\u2060joiner", "wordjoiner")]
    [InlineData("\uFEFFbom inside\uFEFF", "bom inside")]
    [InlineData("soft\u00ADhyphen", "softhyphen")]
    [InlineData("bell\u0007char", "bellchar")]
    public void Normalize_InvisibleCharacters_Removed(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Fact]
    public void Normalize_DecomposedAccents_ComposedToNfc()
    {
        var result = TextNormalizer.Normalize("Cafe\u0301 Zu\u0308rich");

        Assert.Equal("Caf\u00E9 Z\u00FCrich", result);
        Assert.True(result.IsNormalized(NormalizationForm.FormC));
    }

    [Theory]
    [InlineData("   padded   ", "padded")]
    [InlineData("\n\n  lead and trail \n\n", "lead and trail")]
    [InlineData("line  \nnext", "line\nnext")]
    public void Normalize_WhitespaceAtEdgesOfTextAndLineEnds_Removed(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Theory]
    [InlineData("end of page\fnext page", "end of page\nnext page")]
    [InlineData("one\vtwo", "one\ntwo")]
    [InlineData("one\u0085two", "one\ntwo")]
    public void Normalize_OtherLineSeparators_KeepWordsApart(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));

    [Theory]
    [InlineData("")]
    [InlineData("Already normal.\n\nText.")]
    public void Normalize_NormalText_Unchanged(string input) => Assert.Equal(input, TextNormalizer.Normalize(input));

    [Fact]
    public void Normalize_AppliedTwice_SameAsOnce()
    {
        const string messy = "\uFEFF  Title\r\n\r\n\r\n\tCafe\u0301\u00A0 au lait\u200B \r\n- item \t\n\n\n\nEnd  ";

        var once = TextNormalizer.Normalize(messy);

        Assert.Equal(once, TextNormalizer.Normalize(once));
        Assert.Equal("Title\n\n    Caf\u00E9 au lait\n- item\n\nEnd", once);
    }

    [Theory]
    [InlineData("def f():\n    return 1", "def f():\n    return 1")]
    [InlineData("- list\n  - nested", "- list\n  - nested")]
    [InlineData("a:\n\tb: 1", "a:\n    b: 1")]
    public void Normalize_IndentationAtLineStart_Kept(string input, string expected) =>
        Assert.Equal(expected, TextNormalizer.Normalize(input));
}
