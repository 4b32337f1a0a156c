using System.Text.RegularExpressions;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Generation;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using static Verity.Core.Tests.Chunking.ChunkingFixtures;

namespace Verity.Core.Tests.Chunking;

public sealed partial class ParentContextGenerationTests
{
    private const string Rotation = "The VPN gateway certificates are rotated every 90 days by the security team.";
    private const string Question = "How often does the security team rotate the VPN gateway certificates?";

    private static readonly ParsedDocument Vpn = new("VPN access",
    [
        Section(
            "The VPN client writes its log to the support folder on every start. " +
            "Restart the network adapter when the client shows error 809 during sign-in. " +
            $"{Rotation} " +
            "Contact the service desk when the problem persists after a restart.",
            "VPN", "Troubleshooting"),
    ]);

    private static readonly ParsedDocument Kitchen = new("Kitchen rules",
    [
        Section(
            "The coffee machine on floor 3 is descaled every Friday by the facilities team. " +
            "Please rinse your mug after use and leave it on the drying rack.",
            "Kitchen", "Coffee"),
    ]);

    private static ChunkedDocument Chunk(ParsedDocument document) =>
        new ParentChildChunker(Tokens, new ChunkingOptions { Strategy = ChunkingStrategy.ParentChild, ChildMaxTokens = 32, ChildOverlapTokens = 0 })
            .ChunkDocument(document);

    private static SearchResult Source(string documentId, ParsedDocument document, ChunkedDocument chunked, TextChunk chunk, bool withParent = true) =>
        new(
            new IndexedChunk
            {
                Id = IndexedChunk.MakeId(documentId, chunk.Ordinal),
                DocumentId = documentId,
                DocumentTitle = document.Title!,
                Ordinal = chunk.Ordinal,
                Text = chunk.Text,
                HeadingPath = chunk.HeadingPath,
                ParentText = withParent && chunk.Parent is { } parent ? chunked.Parents[parent] : null,
            },
            0.03,
            chunk.Text,
            1,
            1);

    // Children of the VPN document that do not hold the rotation sentence themselves.
    private static (ChunkedDocument Chunked, List<TextChunk> Others) VpnChildren()
    {
        var chunked = Chunk(Vpn);
        Assert.Single(chunked.Parents);
        Assert.Contains(Rotation, chunked.Parents[0], StringComparison.Ordinal);
        var others = chunked.Chunks.Where(c => !c.Text.Contains("rotated", StringComparison.Ordinal)).ToList();
        Assert.True(others.Count >= 2);
        return (chunked, others);
    }

    private static Task<GeneratedAnswer> Answer(IReadOnlyList<SearchResult> sources, ExtractiveOptions? options = null) =>
        new ExtractiveAnswerGenerator(options ?? new ExtractiveOptions()).GenerateAsync(Question, sources, CancellationToken.None);

    [Fact]
    public async Task GenerateAsync_ChildWithParent_QuotesASentenceOnlyItsParentHolds()
    {
        var (chunked, others) = VpnChildren();
        var child = others[0];

        var withParent = await Answer([Source("kb/vpn", Vpn, chunked, child)]);
        var childAlone = await Answer([Source("kb/vpn", Vpn, chunked, child, withParent: false)]);

        Assert.True(withParent.Grounded);
        Assert.Contains($"{Rotation} [1]", withParent.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Rotation, child.Text, StringComparison.Ordinal);
        Assert.False(childAlone.Grounded);
    }

    [Fact]
    public async Task GenerateAsync_TwoChildrenOfOneParent_QuoteEachSentenceOnceAndCiteTheFirst()
    {
        var (chunked, others) = VpnChildren();

        var answer = await Answer(
            [Source("kb/vpn", Vpn, chunked, others[0]), Source("kb/vpn", Vpn, chunked, others[1])],
            new ExtractiveOptions { MaxSentences = 5, MinCoverage = 0.3 });

        Assert.True(answer.Grounded);
        Assert.Equal([1], answer.Citations);
        var quoted = Regex.Split(answer.Text, @" \[\d+\] ?").Where(s => s.Length > 0).ToList();
        Assert.Equal(quoted.Count, quoted.Distinct().Count());
        Assert.Equal(1, Regex.Count(answer.Text, Regex.Escape(Rotation)));
    }

    [Fact]
    public async Task GenerateAsync_RepeatedParent_DoesNotUseUpMaxSources()
    {
        var kitchen = Chunk(Kitchen);
        var (chunked, others) = VpnChildren();
        SearchResult[] sources =
        [
            Source("kb/kitchen", Kitchen, kitchen, kitchen.Chunks[0]),
            Source("kb/kitchen", Kitchen, kitchen, kitchen.Chunks[^1]),
            Source("kb/vpn", Vpn, chunked, others[0]),
        ];
        Assert.Equal(kitchen.Chunks[0].Parent, kitchen.Chunks[^1].Parent);
        Assert.NotEqual(kitchen.Chunks[0].Ordinal, kitchen.Chunks[^1].Ordinal);

        var answer = await Answer(sources, new ExtractiveOptions { MaxSources = 2 });

        Assert.True(answer.Grounded);
        Assert.Equal([3], answer.Citations);
        Assert.Contains($"{Rotation} [3]", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateAsync_StructuredChunkWhoseHeadingRepeatsTheQuestion_QuotesTextNotTheHeading()
    {
        var document = new ParsedDocument("VPN access",
        [
            Section(Rotation + " Expired certificates block every sign-in.", "VPN", "How often the security team rotates VPN gateway certificates"),
        ]);
        var chunk = Assert.Single(new StructuredChunker(Tokens, new ChunkingOptions { Strategy = ChunkingStrategy.Structured })
            .ChunkDocument(document).Chunks);
        Assert.StartsWith("## How often", chunk.Text, StringComparison.Ordinal);

        var answer = await Answer([Source("kb/vpn", document, new ChunkedDocument([chunk], []), chunk)]);

        Assert.True(answer.Grounded);
        Assert.StartsWith($"{Rotation} [1]", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("#", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SentenceFromTheParentCitingItsChild_IsSupported()
    {
        var (chunked, others) = VpnChildren();
        var answer = $"{Rotation} [1]";

        var withParent = CitationChecker.Check(answer, [Source("kb/vpn", Vpn, chunked, others[0])]);
        var childAlone = CitationChecker.Check(answer, [Source("kb/vpn", Vpn, chunked, others[0], withParent: false)]);

        Assert.Equal(1, withParent.SupportedSentences);
        Assert.Equal(0, childAlone.SupportedSentences);
    }
}
