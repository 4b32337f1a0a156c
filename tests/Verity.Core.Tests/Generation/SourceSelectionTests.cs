using Verity.Core.Generation.Prompting;
using Verity.Core.Retrieval;
using static Verity.Core.Tests.Generation.GenerationFixtures;

namespace Verity.Core.Tests.Generation;

public sealed class SourceSelectionTests
{
    private static List<SearchResult> Distinct(int count, int sentences) =>
        Enumerable.Range(0, count).Select(i => Result($"doc-{i}", 0, Paragraph(300 + i, sentences), title: $"Doc {i}")).ToList();

    private static int Threshold(int budget) => Math.Min(200, budget / 4);

    [Theory]
    [InlineData(256)]
    [InlineData(700)]
    [InlineData(1500)]
    [InlineData(3000)]
    public void SelectSources_MoreThanFits_RenderedBlocksFillButNeverExceedTheBudget(int budget)
    {
        var builder = Builder(o => o.ContextTokens = budget);
        var ranked = Distinct(30, 10);

        var selected = builder.SelectSources(ranked);
        var prompt = builder.Build("q", selected);

        Assert.InRange(selected.Count, 1, ranked.Count - 1);
        var counted = Blocks(prompt).Sum(b => Tokens.CountTokens(b.Block));
        Assert.Equal(counted, prompt.SourceTokens);
        Assert.InRange(counted, budget - Threshold(budget) + 1, budget);
    }

    [Fact]
    public void SelectSources_FirstSourcePastTheBudget_IsCutAtASentenceEndAndSelectionStops()
    {
        var ranked = Distinct(3, 10);
        var whole = Builder().Build("q", ranked[..2]);
        var first = Blocks(whole)[0].Block;
        var second = Blocks(whole)[^1].Block;
        var budget = Tokens.CountTokens(first) + (Tokens.CountTokens(second) / 2);
        var builder = Builder(o => o.ContextTokens = budget);

        var selected = builder.SelectSources(ranked);

        Assert.Equal(2, selected.Count);
        Assert.Same(ranked[0], selected[0]);
        var cut = selected[1].Chunk.Text;
        var sentences = Sentences(301, 10);
        var kept = Enumerable.Range(1, 9).Where(k => cut == string.Join(' ', sentences[..k])).ToList();
        Assert.Single(kept);
        Assert.Equal(ranked[1] with { Chunk = ranked[1].Chunk with { Text = cut } }, selected[1]);
        Assert.True(builder.Build("q", selected).SourceTokens <= budget);
    }

    [Fact]
    public void SelectSources_TooLittleRoomLeft_DropsTheSourceAndStopsEvenIfALaterOneFits()
    {
        var ranked = Distinct(2, 10);
        ranked.Add(Result("tiny", 0, "Short note."));
        var budget = Tokens.CountTokens(Blocks(Builder().Build("q", ranked[..1]))[0].Block) + 40;
        Assert.True(40 < Threshold(budget));

        var selected = Builder(o => o.ContextTokens = budget).SelectSources(ranked);

        Assert.Equal([ranked[0]], selected);
    }

    [Fact]
    public void SelectSources_NoSentenceEndFits_CutsAtAWordEnd()
    {
        var words = string.Join(' ', Enumerable.Range(0, 40).Select(i => Sentences(i, 1)[0].TrimEnd('.')));
        SearchResult[] ranked = [Result("table", 0, words)];

        var selected = Builder(o => o.ContextTokens = 300).SelectSources(ranked);

        var cut = Assert.Single(selected).Chunk.Text;
        Assert.True(cut.Length < words.Length);
        Assert.StartsWith(cut, words, StringComparison.Ordinal);
        Assert.Equal(' ', words[cut.Length]);
        Assert.InRange(Builder(o => o.ContextTokens = 300).Build("q", selected).SourceTokens, 300 - Threshold(300) + 1, 300);
    }

    [Fact]
    public void SelectSources_IdenticalTextInAnotherDocument_KeepsOnlyTheBetterRanked()
    {
        var text = Paragraph(1, 3);
        SearchResult[] ranked = [Result("a", 0, text), Result("b", 0, Paragraph(2, 3)), Result("copy", 0, text)];

        Assert.Equal(ranked[..2], Builder().SelectSources(ranked));
    }

    [Fact]
    public void SelectSources_TextContainedInABetterSource_IsDropped()
    {
        var sentences = Sentences(3, 8);
        SearchResult[] ranked =
        [
            Result("a", 0, string.Join(' ', sentences)),
            Result("a", 5, string.Join("\n", sentences[2..4])), // same words, other layout
        ];

        Assert.Equal(ranked[..1], Builder().SelectSources(ranked));
    }

    [Theory]
    [InlineData(0.8, 1)]
    [InlineData(0.95, 2)]
    public void SelectSources_SourceMostlyCoveredByABetterOne_DroppedAboveTheThreshold(double threshold, int expected)
    {
        // Nine of the second source's ten sentences are in the first: about 90 % of its trigrams.
        var sentences = Sentences(4, 12);
        SearchResult[] ranked =
        [
            Result("a", 0, string.Join(' ', sentences[..10])),
            Result("b", 0, string.Join(' ', sentences[1..10]) + " " + Sentences(5, 1)[0]),
        ];

        Assert.Equal(expected, Builder(o => o.DuplicateThreshold = threshold).SelectSources(ranked).Count);
    }

    [Fact]
    public void SelectSources_HalfCoveredSource_IsKept()
    {
        var sentences = Sentences(6, 8);
        SearchResult[] ranked =
        [
            Result("a", 0, string.Join(' ', sentences[..6])),
            Result("a", 1, string.Join(' ', sentences[3..])),
        ];

        Assert.Equal(ranked, Builder().SelectSources(ranked));
    }

    [Fact]
    public void SelectSources_ChildrenOfOneParent_CollapseToTheBestRankedInInputOrder()
    {
        var parent = Paragraph(8, 6);
        var children = Sentences(8, 6);
        SearchResult[] ranked =
        [
            Result("manual", 2, children[2], parent),
            Result("faq", 0, Paragraph(9, 3)),
            Result("manual", 0, children[0], parent),
            Result("manual", 4, children[4], parent),
            Result("manual", 9, Sentences(10, 1)[0], Paragraph(10, 4)),
        ];

        Assert.Equal([ranked[0], ranked[1], ranked[4]], Builder().SelectSources(ranked));
    }

    [Theory]
    [InlineData(256, 1)]
    [InlineData(400, 2)]
    [InlineData(900, 3)]
    [InlineData(2000, 4)]
    [InlineData(5000, 5)]
    public void SelectSources_OfItsOwnSelection_ReturnsItUnchanged(int budget, int seed)
    {
        var random = new Random(seed);
        var parent = Paragraph(seed * 10, 8);
        var overlapping = Sentences((seed * 10) + 1, 12);
        var ranked = new List<SearchResult>
        {
            Result("p", 1, Sentences(seed * 10, 8)[1], parent),
            Result("seq", 0, string.Join(' ', overlapping[..7])),
            Result("seq", 1, string.Join(' ', overlapping[5..])),
            Result("p", 3, Sentences(seed * 10, 8)[3], parent),
        };
        for (var i = 0; i < 12; i++)
        {
            var text = Paragraph((seed * 100) + i, random.Next(1, 15));
            ranked.Insert(random.Next(ranked.Count + 1), Result($"d{i}", i, text));
            if (random.Next(3) == 0)
            {
                ranked.Add(Result($"copy{i}", 0, text));
            }
        }

        var builder = Builder(o => o.ContextTokens = budget);
        var once = builder.SelectSources(ranked);
        var twice = builder.SelectSources(once);

        Assert.NotEmpty(once);
        Assert.Equal(once, twice);
        Assert.True(builder.Build("q", once).SourceTokens <= budget);
    }

    [Fact]
    public void SelectSources_EmptyOrBlankSources_AreDropped()
    {
        SearchResult[] ranked = [Result("blank", 0, "  \n "), Result("a", 0, Paragraph(11, 2))];

        Assert.Equal(ranked[1..], Builder().SelectSources(ranked));
    }
}
