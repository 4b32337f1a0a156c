using Verity.Core.Chunking;
using Verity.Core.Documents;
using static Verity.Core.Tests.Chunking.ChunkingFixtures;

namespace Verity.Core.Tests.Chunking;

public sealed class ParentChildChunkerTests
{
    private static ChunkedDocument Chunk(ParsedDocument document, int parentMaxTokens = 1200, int childMaxTokens = 128, int childOverlapTokens = 20) =>
        new ParentChildChunker(Tokens, new ChunkingOptions
        {
            Strategy = ChunkingStrategy.ParentChild,
            ParentMaxTokens = parentMaxTokens,
            ChildMaxTokens = childMaxTokens,
            ChildOverlapTokens = childOverlapTokens,
        }).ChunkDocument(document);

    public static TheoryData<int, int, int> Settings() => new()
    {
        { 1200, 128, 20 },
        { 300, 64, 10 },
        { 128, 32, 0 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void ChunkDocument_MixedDocument_ChildrenAndParentsFitTheirLimits(int parentMax, int childMax, int overlap)
    {
        var chunked = Chunk(Mixed(), parentMax, childMax, overlap);

        Assert.NotEmpty(chunked.Parents);
        Assert.All(chunked.Parents, p => Assert.True(Tokens.CountTokens(p) <= parentMax, $"A parent has {Tokens.CountTokens(p)} tokens."));
        Assert.All(chunked.Chunks, c =>
        {
            Assert.True(Tokens.CountTokens(c.Text) <= childMax, $"A child has {Tokens.CountTokens(c.Text)} tokens: {c.Text}");
            Assert.Equal(Tokens.CountTokens(c.Text), c.TokenCount);
        });
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void ChunkDocument_MixedDocument_EveryChildLiesInItsParentAndOrdinalsAreConsecutive(int parentMax, int childMax, int overlap)
    {
        var chunked = Chunk(Mixed(), parentMax, childMax, overlap);

        Assert.Equal(Enumerable.Range(0, chunked.Chunks.Count), chunked.Chunks.Select(c => c.Ordinal));
        Assert.All(chunked.Chunks, c =>
        {
            Assert.NotNull(c.Parent);
            Assert.InRange(c.Parent.Value, 0, chunked.Parents.Count - 1);
            Assert.Contains(Squash(c.Text), Squash(chunked.Parents[c.Parent.Value]), StringComparison.Ordinal);
        });

        // Parents are in document order and every one has children.
        Assert.Equal(Enumerable.Range(0, chunked.Parents.Count), chunked.Chunks.Select(c => c.Parent!.Value).Distinct());
        Assert.True(chunked.Chunks.Zip(chunked.Chunks.Skip(1)).All(pair => pair.First.Parent <= pair.Second.Parent));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void ChunkDocument_MixedDocument_EveryWordInAParentAndInAChild(int parentMax, int childMax, int overlap)
    {
        var document = Mixed();

        var chunked = Chunk(document, parentMax, childMax, overlap);

        var parentWords = chunked.Parents.SelectMany(Words).ToHashSet(StringComparer.Ordinal);
        var childWords = chunked.Chunks.SelectMany(c => Words(c.Text)).ToHashSet(StringComparer.Ordinal);
        Assert.All(document.Sections.SelectMany(s => Words(s.Text)), w =>
        {
            Assert.Contains(w, parentWords);
            Assert.Contains(w, childWords);
        });
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void ChunkDocument_MixedDocument_ChildKeepsItsSectionsHeadingPathAndPage(int parentMax, int childMax, int overlap)
    {
        var document = Mixed();

        var chunked = Chunk(document, parentMax, childMax, overlap);

        foreach (var section in document.Sections.Where(s => s.Text.Trim().Length > 0))
        {
            foreach (var sentence in Verity.Core.Text.Sentences.Split(section.Text))
            {
                var holders = chunked.Chunks.Where(c => c.Text.Contains(sentence, StringComparison.Ordinal)).ToList();
                Assert.NotEmpty(holders);
                Assert.All(holders, c =>
                {
                    Assert.Equal(section.HeadingPathText, c.HeadingPath);
                    Assert.Equal(section.Page, c.Page);
                });
            }
        }
    }

    [Fact]
    public void ChunkDocument_SmallSiblingSections_ShareOneParentButKeepTheirOwnChildren()
    {
        var document = new ParsedDocument(null,
        [
            Section(Prose(3, "Linux"), "Guide", "Install", "Linux"),
            Section(Prose(3, "Windows"), "Guide", "Install", "Windows"),
        ]);

        var chunked = Chunk(document, childMaxTokens: 32, childOverlapTokens: 0);

        var parent = Assert.Single(chunked.Parents);
        Assert.StartsWith("### Linux\n\n", parent, StringComparison.Ordinal);
        Assert.Contains("\n\n### Windows\n\n", parent, StringComparison.Ordinal);
        Assert.Contains(chunked.Chunks, c => c.HeadingPath == "Guide > Install > Linux");
        Assert.Contains(chunked.Chunks, c => c.HeadingPath == "Guide > Install > Windows");
        Assert.DoesNotContain(chunked.Chunks, c =>
            c.Text.Contains("Linux step", StringComparison.Ordinal) && c.Text.Contains("Windows step", StringComparison.Ordinal));
    }

    [Fact]
    public void ChunkDocument_LargeSection_SeveralParentsEachUnderItsHeadingWithOverlappingChildren()
    {
        var document = new ParsedDocument(null, [Section(Prose(200, "Configure"), "Guide", "Configure")]);

        var chunked = Chunk(document, parentMaxTokens: 400, childMaxTokens: 64, childOverlapTokens: 16);

        Assert.True(chunked.Parents.Count > 3);
        Assert.All(chunked.Parents, p => Assert.StartsWith("## Configure\n\n", p, StringComparison.Ordinal));
        var firstParent = chunked.Chunks.Where(c => c.Parent == 0).ToList();
        Assert.True(firstParent.Count > 3);
        for (var i = 0; i + 1 < firstParent.Count; i++)
        {
            var shared = SharedEdge(firstParent[i].Text, firstParent[i + 1].Text);
            Assert.InRange(Tokens.CountTokens(shared.Trim()), 4, 16);
        }

        Assert.DoesNotContain(chunked.Chunks, c => c.Parent == 1 && c.Text.Contains(firstParent[^1].Text, StringComparison.Ordinal));
    }

    // The longest end of the first text that the second starts with.
    private static string SharedEdge(string first, string second)
    {
        for (var length = Math.Min(first.Length, second.Length); length > 0; length--)
        {
            if (first.AsSpan(first.Length - length).SequenceEqual(second.AsSpan(0, length)))
            {
                return second[..length];
            }
        }

        return "";
    }

    [Fact]
    public void ChunkDocument_Table_EveryRowWholeInItsParentAndInAChild()
    {
        var table = Table(80, "Growth");

        var chunked = Chunk(new ParsedDocument(null, [Section(table, "Pricing", "Limits")]), parentMaxTokens: 256, childMaxTokens: 64, childOverlapTokens: 10);

        Assert.True(chunked.Parents.Count > 2);
        var parentLines = chunked.Parents.SelectMany(p => p.Split('\n')).ToHashSet(StringComparer.Ordinal);
        var childLines = chunked.Chunks.SelectMany(c => c.Text.Split('\n')).ToHashSet(StringComparer.Ordinal);
        Assert.All(table.Split('\n'), row =>
        {
            Assert.Contains(row, parentLines);
            Assert.Contains(row, childLines);
        });
    }

    [Fact]
    public void ChunkDocument_SectionsOnDifferentPages_NeverShareAParent()
    {
        var document = new ParsedDocument(null,
        [
            Section(Prose(2, "Backups"), "Guide", "Backups") with { Page = 1 },
            Section(Prose(2, "Restores"), "Guide", "Restores") with { Page = 2 },
        ]);

        var chunked = Chunk(document);

        Assert.Equal(2, chunked.Parents.Count);
        Assert.Equal([1, 2], chunked.Chunks.Select(c => c.Page).Distinct());
        Assert.All(chunked.Chunks, c => Assert.Equal(c.Page - 1, c.Parent));
    }
}
