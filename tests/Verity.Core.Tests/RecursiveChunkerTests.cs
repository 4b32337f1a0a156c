using System.Text;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Text;

namespace Verity.Core.Tests;

public sealed class RecursiveChunkerTests
{
    private static readonly TiktokenTokenCounter Tokens = new();

    private static readonly string[] Services =
        ["billing", "search", "gateway", "ledger", "mailer", "scheduler", "exporter", "auth", "catalog", "payments"];

    private static RecursiveChunker Chunker(int maxTokens = 400, int overlapTokens = 60) =>
        new(Tokens, new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlapTokens });

    private static ParsedDocument OneSection(string text, params string[] headings) =>
        new(null, [new DocumentSection(headings, text)]);

    // Paragraphs of distinct, numbered sentences separated by single spaces, paragraphs by blank lines, so that
    // every chunk can be located in the source text.
    private static string Prose(int sentences, string tag = "Step")
    {
        var builder = new StringBuilder();
        for (var i = 0; i < sentences; i++)
        {
            if (i > 0)
            {
                builder.Append(i % 5 == 0 ? "\n\n" : " ");
            }

            builder.Append($"{tag} {i} of the rollout checks the {Services[i % Services.Length]} service before traffic moves on.");
        }

        return builder.ToString();
    }

    public static TheoryData<string, int, int> LongTexts()
    {
        var data = new TheoryData<string, int, int>();
        var prose = Prose(200);
        var shortParagraphs = string.Join("\n\n", Enumerable.Range(0, 300).Select(i => $"alpha beta{i}"));
        var bulletLines = string.Join("\n", Enumerable.Range(0, 300).Select(i => $"- item {i}"));
        var codeLines = string.Join("\n\n", Enumerable.Range(0, 300).Select(i => $"x = {i}"));
        var longSentence = string.Join(' ', Enumerable.Range(0, 1500).Select(i => $"word{i}"));
        foreach (var (max, overlap) in new[] { (64, 10), (128, 30), (400, 60) })
        {
            data.Add(prose, max, overlap);
            data.Add(shortParagraphs, max, overlap);
            data.Add(bulletLines, max, overlap);
            data.Add(codeLines, max, overlap);
            data.Add(longSentence, max, overlap);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LongTexts))]
    public void Chunk_LongSection_EveryChunkFitsMaxTokens(string text, int maxTokens, int overlapTokens)
    {
        var chunks = Chunker(maxTokens, overlapTokens).Chunk(OneSection(text));

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c =>
        {
            var counted = Tokens.CountTokens(c.Text);
            Assert.True(counted <= maxTokens, $"A chunk has {counted} tokens, more than {maxTokens}: {c.Text}");
            Assert.Equal(counted, c.TokenCount);
        });
    }

    [Theory]
    [InlineData(128, 30)]
    [InlineData(256, 60)]
    [InlineData(400, 60)]
    public void Chunk_LongSection_ConsecutiveChunksOverlapByAboutOverlapTokens(int maxTokens, int overlapTokens)
    {
        var text = Prose(200);
        var longestSentence = Sentences.Split(text).Max(Tokens.CountTokens);
        var chunks = Chunker(maxTokens, overlapTokens).Chunk(OneSection(text));

        Assert.True(chunks.Count > 2);
        for (var n = 0; n + 1 < chunks.Count; n++)
        {
            var overlap = SharedEdge(chunks[n].Text, chunks[n + 1].Text);
            Assert.False(string.IsNullOrWhiteSpace(overlap), $"Chunks {n} and {n + 1} do not overlap.");
            var overlapTokensSeen = Tokens.CountTokens(overlap.Trim());
            Assert.InRange(overlapTokensSeen, overlapTokens - longestSentence - 2, overlapTokens);
        }
    }

    [Fact]
    public void Chunk_ZeroOverlap_ConsecutiveChunksShareNoSentence()
    {
        var text = Prose(120);
        var chunks = Chunker(128, 0).Chunk(OneSection(text));

        Assert.True(chunks.Count > 2);
        foreach (var sentence in Sentences.Split(text))
        {
            Assert.Single(chunks, c => c.Text.Contains(sentence, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Chunk_MoreOverlapTokens_RepeatsMoreText()
    {
        var text = Prose(200);

        var without = Chunker(256, 0).Chunk(OneSection(text));
        var with = Chunker(256, 100).Chunk(OneSection(text));

        Assert.True(with.Sum(c => c.TokenCount) > without.Sum(c => c.TokenCount) + (50 * (without.Count - 1)));
        Assert.True(with.Count >= without.Count);
    }

    [Fact]
    public void Chunk_SmallerMaxTokens_GivesMoreAndSmallerChunks()
    {
        var text = Prose(200);

        var large = Chunker(400, 0).Chunk(OneSection(text));
        var small = Chunker(100, 0).Chunk(OneSection(text));

        Assert.True(small.Count > large.Count * 3, $"{small.Count} chunks at 100 tokens, {large.Count} at 400.");
        Assert.True(large.Max(c => c.TokenCount) > 100);
        Assert.All(small, c => Assert.True(c.TokenCount <= 100));
    }

    [Fact]
    public void Chunk_MarkdownGuide_HeadingPathOfEachChunkIsItsSection()
    {
        var markdown = $"""
            # Guide

            {Prose(4, "Welcome")}

            ## Install

            ### Linux

            {Prose(60, "Linux")}

            ### Windows

            {Prose(60, "Windows")}

            ## Configure

            {Prose(30, "Configure")}
            """;
        var document = new MarkdownParser().Parse(markdown);

        var chunks = Chunker(128, 30).Chunk(document);

        var expected = new Dictionary<string, string>
        {
            ["Welcome"] = "Guide",
            ["Linux"] = "Guide > Install > Linux",
            ["Windows"] = "Guide > Install > Windows",
            ["Configure"] = "Guide > Configure",
        };
        foreach (var (tag, path) in expected)
        {
            var ofSection = chunks.Where(c => c.Text.StartsWith(tag + " ", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(ofSection);
            Assert.All(ofSection, c => Assert.Equal(path, c.HeadingPath));
        }

        Assert.True(chunks.Count(c => c.HeadingPath == "Guide > Install > Linux") > 2);
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
    }

    [Fact]
    public void Chunk_SeveralSections_NoChunkSpansTwoSections()
    {
        var document = new ParsedDocument("Guide",
        [
            new DocumentSection(["Guide", "Install", "Linux"], Prose(40, "Linux")),
            new DocumentSection(["Guide", "Install", "Windows"], Prose(3, "Windows")),
            new DocumentSection(["Guide", "Configure"], Prose(40, "Configure")),
        ]);

        var chunks = Chunker(128, 30).Chunk(document);

        Assert.All(chunks, chunk =>
        {
            var section = Assert.Single(document.Sections, s => s.HeadingPathText == chunk.HeadingPath);
            Assert.Contains(chunk.Text, section.Text, StringComparison.Ordinal);
        });
        var windows = Assert.Single(chunks, c => c.HeadingPath == "Guide > Install > Windows");
        Assert.Equal(document.Sections[1].Text, windows.Text);
    }

    [Theory]
    [InlineData(64, 10)]
    [InlineData(128, 30)]
    [InlineData(400, 60)]
    public void Chunk_LongDocument_LosesNoSentence(int maxTokens, int overlapTokens)
    {
        var document = new ParsedDocument(null,
        [
            new DocumentSection(["A"], Prose(150, "Alpha")),
            new DocumentSection(["A", "B"], string.Join("\n", Enumerable.Range(0, 80).Select(i => $"- Bullet {i} names the {Services[i % 10]} owner."))),
        ]);

        var chunks = Chunker(maxTokens, overlapTokens).Chunk(document);

        foreach (var section in document.Sections)
        {
            var ofSection = chunks.Where(c => c.HeadingPath == section.HeadingPathText).ToList();
            foreach (var sentence in Sentences.Split(section.Text))
            {
                Assert.Contains(ofSection, c => c.Text.Contains(sentence, StringComparison.Ordinal));
            }
        }
    }

    public static TheoryData<string> LongWords()
    {
        var random = new Random(7);
        string Random(string alphabet, int length) =>
            string.Concat(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]));

        return
        [
            Random("abcdefghijklmnopqrstuvwxyz", 5000),
            Random("0123456789abcdef", 5000),
            new string('a', 5000),
            // Dense stretches after sparse ones: an estimate from the average alone would overflow.
            new string('a', 4000) + Random("ʘʬʭʮʯʰʱʲʳʴʵ", 1000),
            // Characters outside the BMP: surrogate pairs must not be split.
            string.Concat(Enumerable.Range(0, 2500).Select(i => char.ConvertFromUtf32(0x1D400 + (i * 13 % 700)))),
        ];
    }

    [Theory]
    [MemberData(nameof(LongWords))]
    public void Chunk_5000CharacterWordWithoutSpaces_IsCutIntoPiecesThatFit(string word)
    {
        var chunks = Chunker().Chunk(OneSection(word));

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c =>
        {
            Assert.True(Tokens.CountTokens(c.Text) <= 400, $"A piece has {Tokens.CountTokens(c.Text)} tokens.");
            Assert.Contains(c.Text, word, StringComparison.Ordinal);
            Assert.False(char.IsHighSurrogate(c.Text[^1]), "A piece ends inside a surrogate pair.");
            Assert.False(char.IsLowSurrogate(c.Text[0]), "A piece starts inside a surrogate pair.");
        });
    }

    [Theory]
    [MemberData(nameof(LongWords))]
    public void Chunk_LongWordWithoutOverlap_PiecesConcatenateToTheWord(string word)
    {
        var chunks = Chunker(200, 0).Chunk(OneSection(word));

        Assert.Equal(word, string.Concat(chunks.Select(c => c.Text)));
    }

    [Fact]
    public void Chunk_ShortSection_IsOneChunkWithTheWholeText()
    {
        var chunks = Chunker().Chunk(OneSection("Restart the VPN client.\n\nThen sign in again.", "VPN", "Troubleshooting"));

        var chunk = Assert.Single(chunks);
        Assert.Equal("Restart the VPN client.\n\nThen sign in again.", chunk.Text);
        Assert.Equal("VPN > Troubleshooting", chunk.HeadingPath);
        Assert.Equal(0, chunk.Ordinal);
        Assert.Equal(Tokens.CountTokens(chunk.Text), chunk.TokenCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n  ")]
    public void Chunk_BlankSection_ProducesNoChunk(string text) =>
        Assert.Empty(Chunker().Chunk(OneSection(text, "Empty")));

    [Fact]
    public void Version_DifferentOptions_DifferentVersion()
    {
        var a = new ChunkingOptions { MaxTokens = 400, OverlapTokens = 60 };
        var b = new ChunkingOptions { MaxTokens = 400, OverlapTokens = 60 };
        var otherMax = new ChunkingOptions { MaxTokens = 300, OverlapTokens = 60 };
        var otherOverlap = new ChunkingOptions { MaxTokens = 400, OverlapTokens = 30 };

        Assert.Equal(a.Version, b.Version);
        Assert.NotEqual(a.Version, otherMax.Version);
        Assert.NotEqual(a.Version, otherOverlap.Version);
        Assert.NotEqual(otherMax.Version, otherOverlap.Version);
        Assert.Equal(a.Version, new RecursiveChunker(Tokens, a).Version);
    }

    [Theory]
    [InlineData(100, 50)]
    [InlineData(100, 80)]
    [InlineData(400, 200)]
    [InlineData(400, 4000)]
    [InlineData(400, -1)]
    [InlineData(31, 0)]
    public void Validate_InvalidOptions_Throws(int maxTokens, int overlapTokens) =>
        Assert.Throws<InvalidOperationException>(
            () => new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlapTokens }.Validate());

    [Theory]
    [InlineData(100, 49)]
    [InlineData(400, 60)]
    [InlineData(32, 0)]
    public void Validate_OverlapBelowHalfOfMax_Accepts(int maxTokens, int overlapTokens)
    {
        var exception = Record.Exception(
            () => new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlapTokens }.Validate());

        Assert.Null(exception);
    }

    // The longest suffix of the first text that is also a prefix of the second.
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
}
