using Verity.Core.Chunking;
using Verity.Core.Documents;
using static Verity.Core.Tests.Chunking.ChunkingFixtures;

namespace Verity.Core.Tests.Chunking;

public sealed class StructuredChunkerTests
{
    private static IReadOnlyList<TextChunk> Chunk(ParsedDocument document, int maxTokens = 400) =>
        new StructuredChunker(Tokens, new ChunkingOptions { Strategy = ChunkingStrategy.Structured, MaxTokens = maxTokens })
            .ChunkDocument(document).Chunks;

    [Fact]
    public void ChunkDocument_SectionThatFits_IsOneChunkStartingWithItsHeading()
    {
        var text = Prose(5, "Install");
        var chunks = Chunk(new ParsedDocument(null, [Section(text, "Guide", "Install")]));

        var chunk = Assert.Single(chunks);
        Assert.Equal("## Install\n\n" + text, chunk.Text);
        Assert.Equal("Guide > Install", chunk.HeadingPath);
        Assert.Equal(Tokens.CountTokens(chunk.Text), chunk.TokenCount);
    }

    [Theory]
    [InlineData("Install")]
    [InlineData("## Install")]
    [InlineData("INSTALL")]
    public void ChunkDocument_TextAlreadyStartsWithHeading_HeadingIsNotRepeated(string headingLine)
    {
        var text = headingLine + "\n\n" + Prose(3, "Install");

        var chunk = Assert.Single(Chunk(new ParsedDocument(null, [Section(text, "Guide", "Install")])));

        Assert.Equal(text, chunk.Text);
    }

    [Fact]
    public void ChunkDocument_SmallSiblingSectionsFromMarkdown_MergedUnderTheirParentWithHeadingLines()
    {
        var markdown = $"""
            # Guide

            ## Install

            ### Linux

            {Prose(2, "Linux")}

            ### Windows

            {Prose(2, "Windows")}

            ## Configure

            {Prose(2, "Configure")}
            """;
        var document = new MarkdownParser().Parse(markdown);

        var chunks = Chunk(document);

        Assert.Equal(2, chunks.Count);
        Assert.Equal("Guide > Install", chunks[0].HeadingPath);
        Assert.Equal($"### Linux\n\n{Prose(2, "Linux")}\n\n### Windows\n\n{Prose(2, "Windows")}", chunks[0].Text);
        Assert.Equal("Guide > Configure", chunks[1].HeadingPath);
        Assert.StartsWith("## Configure\n\n", chunks[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ChunkDocument_ParentIntroFollowedBySubsections_MergedUnderTheParent()
    {
        var document = new ParsedDocument(null,
        [
            Section(Prose(1, "Intro"), "Guide", "Install"),
            Section(Prose(1, "Linux"), "Guide", "Install", "Linux"),
            Section(Prose(1, "Debian"), "Guide", "Install", "Linux", "Debian"),
        ]);

        var chunk = Assert.Single(Chunk(document));

        Assert.Equal("Guide > Install", chunk.HeadingPath);
        Assert.Equal(
            $"## Install\n\n{Prose(1, "Intro")}\n\n### Linux\n\n{Prose(1, "Linux")}\n\n#### Debian\n\n{Prose(1, "Debian")}",
            chunk.Text);
    }

    [Fact]
    public void ChunkDocument_MergedSubsectionBelowAHeadingWithoutText_KeepsTheWholeOutline()
    {
        var document = new ParsedDocument(null,
        [
            Section(Prose(1, "Welcome"), "Guide"),
            Section(Prose(1, "Linux"), "Guide", "Install", "Linux"),
            Section(Prose(1, "Windows"), "Guide", "Install", "Windows"),
            Section(Prose(1, "Limits"), "Guide", "Configure", "Limits"),
        ]);

        var chunk = Assert.Single(Chunk(document));

        Assert.Equal("Guide", chunk.HeadingPath);
        Assert.Equal(
            $"# Guide\n\n{Prose(1, "Welcome")}\n\n## Install\n\n### Linux\n\n{Prose(1, "Linux")}\n\n" +
            $"### Windows\n\n{Prose(1, "Windows")}\n\n## Configure\n\n### Limits\n\n{Prose(1, "Limits")}",
            chunk.Text);
    }

    [Fact]
    public void ChunkDocument_SmallSectionsUnderDifferentParents_AreNotMerged()
    {
        var document = new ParsedDocument(null,
        [
            Section(Prose(1, "Windows"), "Guide", "Install", "Windows"),
            Section(Prose(1, "Limits"), "Guide", "Configure", "Limits"),
        ]);

        var chunks = Chunk(document);

        Assert.Equal(["Guide > Install > Windows", "Guide > Configure > Limits"], chunks.Select(c => c.HeadingPath));
    }

    [Fact]
    public void ChunkDocument_SmallSectionsOnDifferentPages_AreNotMerged()
    {
        var document = new ParsedDocument(null,
        [
            Section(Prose(1, "Backups"), "Guide", "Backups") with { Page = 3 },
            Section(Prose(1, "Restores"), "Guide", "Restores") with { Page = 4 },
            Section(Prose(1, "Retention"), "Guide", "Retention") with { Page = 4 },
        ]);

        var chunks = Chunk(document);

        Assert.Equal([3, 4], chunks.Select(c => c.Page));
        Assert.Contains("Backups step 0", chunks[0].Text, StringComparison.Ordinal);
        Assert.Contains("Restores step 0", chunks[1].Text, StringComparison.Ordinal);
        Assert.Contains("Retention step 0", chunks[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ChunkDocument_ManySmallSiblings_MergedOnlyUpToMaxTokens()
    {
        var sections = Enumerable.Range(0, 30).Select(i => Section(Prose(1, $"Topic{i}"), "Guide", $"Topic {i}")).ToList();

        var chunks = Chunk(new ParsedDocument(null, sections), maxTokens: 128);

        Assert.InRange(chunks.Count, 2, 15);
        Assert.All(chunks, c => Assert.True(Tokens.CountTokens(c.Text) <= 128, $"{c.TokenCount} tokens: {c.Text}"));
        Assert.All(sections, s => Assert.Single(chunks, c => c.Text.Contains(s.Text, StringComparison.Ordinal)));
        Assert.All(chunks, c =>
        {
            var merged = sections.Where(s => c.Text.Contains(s.Text, StringComparison.Ordinal)).ToList();
            Assert.Equal(merged.Count > 1 ? "Guide" : merged[0].HeadingPathText, c.HeadingPath);
            Assert.All(merged, s => Assert.Contains($"## {s.HeadingPath[^1]}\n\n{s.Text}", c.Text, StringComparison.Ordinal));
        });
    }

    [Fact]
    public void ChunkDocument_SiblingsEachAboveAQuarterOfMaxTokens_StayApart()
    {
        var document = new ParsedDocument(null,
        [
            Section(Prose(10, "Alpha"), "Guide", "Alpha"),
            Section(Prose(10, "Beta"), "Guide", "Beta"),
        ]);
        Assert.All(document.Sections, s => Assert.InRange(Tokens.CountTokens(s.Text), 101, 199));

        var chunks = Chunk(document);

        Assert.Equal(["Guide > Alpha", "Guide > Beta"], chunks.Select(c => c.HeadingPath));
    }

    [Theory]
    [InlineData(48)]
    [InlineData(128)]
    [InlineData(400)]
    public void ChunkDocument_LargeSection_SplitWithoutOverlapEachPieceUnderItsHeading(int maxTokens)
    {
        var text = Prose(120, "Configure");

        var chunks = Chunk(new ParsedDocument(null, [Section(text, "Guide", "Configure")]), maxTokens);

        Assert.True(chunks.Count > 2);
        Assert.All(chunks, c =>
        {
            Assert.True(Tokens.CountTokens(c.Text) <= maxTokens, $"{Tokens.CountTokens(c.Text)} tokens: {c.Text}");
            Assert.StartsWith("## Configure\n\n", c.Text, StringComparison.Ordinal);
            Assert.Equal("Guide > Configure", c.HeadingPath);
        });
        foreach (var sentence in Verity.Core.Text.Sentences.Split(text))
        {
            Assert.Single(chunks, c => c.Text.Contains(sentence, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(48)]
    [InlineData(96)]
    public void ChunkDocument_LargeTable_EveryLineIsAWholeRow(int maxTokens)
    {
        var table = Table(60, "Growth");
        var rows = table.Split('\n').ToHashSet(StringComparer.Ordinal);

        var chunks = Chunk(new ParsedDocument(null, [Section(table, "Pricing", "Limits")]), maxTokens);

        Assert.True(chunks.Count > 3);
        Assert.All(chunks, c =>
        {
            var lines = c.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("## Limits", lines[0]);
            Assert.All(lines.Skip(1), line => Assert.Contains(line, rows));
        });
        Assert.Equal(rows.Count, chunks.Sum(c => c.Text.Split('\n').Count(rows.Contains)));
    }

    [Theory]
    [InlineData(48)]
    [InlineData(128)]
    [InlineData(400)]
    public void ChunkDocument_MixedDocument_FitsCoversAndKeepsPathsAndPages(int maxTokens)
    {
        var document = Mixed();

        var chunks = Chunk(document, maxTokens);

        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
        Assert.All(chunks, c => Assert.True(c.TokenCount <= maxTokens && c.TokenCount == Tokens.CountTokens(c.Text)));
        var chunkWords = chunks.SelectMany(c => Words(c.Text)).ToHashSet(StringComparer.Ordinal);
        Assert.All(Words(string.Join(" ", document.Sections.Select(s => s.Text))), w => Assert.Contains(w, chunkWords));

        // Each sentence lies in a chunk whose heading path is its section's or a parent of it, on its page.
        foreach (var section in document.Sections.Where(s => s.Text.Trim().Length > 0))
        {
            foreach (var sentence in Verity.Core.Text.Sentences.Split(section.Text))
            {
                var chunk = Assert.Single(chunks, c => c.Text.Contains(sentence, StringComparison.Ordinal));
                Assert.StartsWith(chunk.HeadingPath, section.HeadingPathText, StringComparison.Ordinal);
                Assert.Equal(section.Page, chunk.Page);
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\n ")]
    public void ChunkDocument_BlankSections_ProduceNoChunk(string text) =>
        Assert.Empty(Chunk(new ParsedDocument(null, [Section(text, "Empty"), Section(text)])));

    [Fact]
    public void ChunkDocument_TextBeforeTheFirstHeading_HasNoHeadingLine()
    {
        var text = Prose(2, "Preface");

        var chunk = Assert.Single(Chunk(new ParsedDocument(null, [Section(text)])));

        Assert.Equal(text, chunk.Text);
        Assert.Equal("", chunk.HeadingPath);
    }
}
