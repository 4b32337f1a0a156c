using Verity.Core.Generation;

namespace Verity.Core.Tests.Generation;

public sealed class CitationStripTests
{
    [Theory]
    [InlineData("The fee is 5 euros [1].", "The fee is 5 euros [1].")]
    [InlineData("The fee is 5 euros [9].", "The fee is 5 euros.")]
    [InlineData("The fee is 5 euros [0], paid monthly.", "The fee is 5 euros, paid monthly.")]
    [InlineData("The fee is 5 euros. [9] It is paid monthly. [2]", "The fee is 5 euros. It is paid monthly. [2]")]
    [InlineData("The fee [2][9] is monthly.", "The fee [2] is monthly.")]
    [InlineData("The fee [9][2] is monthly.", "The fee [2] is monthly.")]
    [InlineData("The fee [9] [2] [7] is monthly.", "The fee [2] is monthly.")]
    [InlineData("The fee [1] [2] is monthly.", "The fee [1] [2] is monthly.")]
    [InlineData("The fee [9][8] is monthly.", "The fee is monthly.")]
    [InlineData("Paragraph one.\n\n[9] Paragraph two.", "Paragraph one.\n\nParagraph two.")]
    [InlineData("Paragraph one. [9]\n\nParagraph two.", "Paragraph one.\n\nParagraph two.")]
    [InlineData("[9] Starts with a citation.", "Starts with a citation.")]
    [InlineData("Ends with one [9]", "Ends with one")]
    [InlineData("Ends with one [9]\n", "Ends with one\n")]
    [InlineData("Tight.[9]Next", "Tight.Next")]
    [InlineData("Not markers: [12345], [a], [ 3 ], [-1].", "Not markers: [12345], [a], [ 3 ], [-1].")]
    public void StripInvalid_WithThreeSources_RemovesOnlyMarkersPastTheSourcesAndTidiesSpacing(string answer, string expected) =>
        Assert.Equal(expected, CitationChecker.StripInvalid(answer, 3).Text);

    [Fact]
    public void StripInvalid_RemovedNumbers_AreDistinctInFirstUseOrder()
    {
        var strip = CitationChecker.StripInvalid("A [7]. B [0][2]. C [7]. D [4].", 3);

        Assert.Equal([7, 0, 4], strip.Removed);
        Assert.Equal("A. B [2]. C. D.", strip.Text);
    }

    [Fact]
    public void StripInvalid_NoSources_RemovesEveryMarker()
    {
        var strip = CitationChecker.StripInvalid("A fact [1]. Another [2].", 0);

        Assert.Equal("A fact. Another.", strip.Text);
        Assert.Equal([1, 2], strip.Removed);
    }

    [Fact]
    public void StripInvalid_AllValid_ReturnsTheSameTextAndRemovesNothing()
    {
        const string answer = "A fact [1]. Another [2][3].";

        var strip = CitationChecker.StripInvalid(answer, 3);

        Assert.Same(answer, strip.Text);
        Assert.Empty(strip.Removed);
    }

    [Fact]
    public void StripInvalid_ThenCheck_FindsNoInvalidCitation()
    {
        const string answer = "A fact [1][5]. Another fact [6]. Third [0] [2].";

        var strip = CitationChecker.StripInvalid(answer, 2);
        var before = CitationChecker.Check(answer, [GenerationFixtures.Result("a", 0, "A fact."), GenerationFixtures.Result("b", 0, "Another fact.")]);
        var after = CitationChecker.Check(strip.Text, [GenerationFixtures.Result("a", 0, "A fact."), GenerationFixtures.Result("b", 0, "Another fact.")]);

        Assert.Equal(before.InvalidNumbers.Order(), strip.Removed.Order());
        Assert.Equal(0, after.InvalidCitations);
        Assert.Equal(before.Cited, after.Cited);
    }
}
