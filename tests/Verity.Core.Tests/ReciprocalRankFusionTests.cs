using Verity.Core.Model;
using Verity.Core.Retrieval;

namespace Verity.Core.Tests;

public sealed class ReciprocalRankFusionTests
{
    private const double Precision = 1e-12;

    private static IndexedChunk Chunk(string id) => new()
    {
        Id = id,
        DocumentId = id,
        DocumentTitle = "Title of " + id,
        Ordinal = 0,
        Text = "Text of " + id,
        HeadingPath = "",
    };

    // A retriever's ranking: best first, with its own (uncalibrated) scores, which fusion must ignore.
    private static List<ScoredChunk> Ranking(params string[] ids) =>
        ids.Select((id, i) => new ScoredChunk(Chunk(id), 1000.0 - i)).ToList();

    [Fact]
    public void Fuse_TwoLists_ScoresAreSumsOfReciprocalRanksWithK60()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("a", "b", "c"), Ranking("d", "e", "a")]);

        var scores = fused.ToDictionary(s => s.Chunk.Id, s => s.Score);
        Assert.Equal(5, scores.Count);
        Assert.Equal((1.0 / 61) + (1.0 / 63), scores["a"], Precision);
        Assert.Equal(1.0 / 62, scores["b"], Precision);
        Assert.Equal(1.0 / 63, scores["c"], Precision);
        Assert.Equal(1.0 / 61, scores["d"], Precision);
        Assert.Equal(1.0 / 62, scores["e"], Precision);
    }

    [Fact]
    public void Fuse_TwoLists_OrdersByFusedScoreDescending()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("a", "b", "c"), Ranking("d", "e", "a")]);

        // a: 1/61 + 1/63; d: 1/61; b and e: 1/62 (tie, both best at rank 2, so by id); c: 1/63.
        Assert.Equal(["a", "d", "b", "e", "c"], fused.Select(s => s.Chunk.Id));
        Assert.True(fused.Zip(fused.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public void Fuse_DocumentFoundByBothRetrievers_BeatsDocumentsRankedFirstByOne()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("x", "both"), Ranking("y", "both")]);

        Assert.Equal("both", fused[0].Chunk.Id);
        Assert.Equal(2.0 / 62, fused[0].Score, Precision);
    }

    [Fact]
    public void Fuse_DocumentInOneListOnly_GetsThatListsTermAlone()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("a", "b"), Ranking("a")]);

        var onlyDense = Assert.Single(fused, s => s.Chunk.Id == "b");
        Assert.Equal(1.0 / 62, onlyDense.Score, Precision);
    }

    [Fact]
    public void Fuse_EqualScores_BreakTiesByBestRankThenById()
    {
        // k = 0: "a" scores 1/2 + 1/2 = 1 and "x", "y" score 1/1 = 1, an exact tie. "x" and "y" were ranked first
        // somewhere, "a" never, so "a" goes last although its id sorts first; "x" and "y" go by id.
        var fused = ReciprocalRankFusion.Fuse([Ranking("y", "a"), Ranking("x", "a")], k: 0);

        Assert.All(fused, s => Assert.Equal(1.0, s.Score, Precision));
        Assert.Equal(["x", "y", "a"], fused.Select(s => s.Chunk.Id));
    }

    [Fact]
    public void Fuse_ListsInEitherOrder_GiveTheSameResult()
    {
        IReadOnlyList<ScoredChunk> dense = Ranking("a", "b", "c", "d");
        IReadOnlyList<ScoredChunk> lexical = Ranking("d", "c", "b", "a");

        var one = ReciprocalRankFusion.Fuse([dense, lexical]);
        var other = ReciprocalRankFusion.Fuse([lexical, dense]);

        // All four tie pairwise (a with d, b with c); the result is still one fixed order.
        Assert.Equal(one.Select(s => s.Chunk.Id), other.Select(s => s.Chunk.Id));
        Assert.Equal(["a", "d", "b", "c"], one.Select(s => s.Chunk.Id));
    }

    [Fact]
    public void Fuse_KZero_ScoreIsReciprocalOfRank()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("a", "b", "c")], k: 0);

        Assert.Equal([1.0, 0.5, 1.0 / 3], fused.Select(s => s.Score));
    }

    [Fact]
    public void Fuse_LargerK_FlattensDifferencesBetweenRanks()
    {
        var sharp = ReciprocalRankFusion.Fuse([Ranking("a", "b")], k: 1);
        var flat = ReciprocalRankFusion.Fuse([Ranking("a", "b")], k: 1000);

        Assert.Equal(1.0 / 2, sharp[0].Score, Precision);
        Assert.Equal(1.0 / 1001, flat[0].Score, Precision);
        Assert.True(sharp[0].Score / sharp[1].Score > flat[0].Score / flat[1].Score);
    }

    [Fact]
    public void Fuse_NegativeK_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ReciprocalRankFusion.Fuse([Ranking("a")], k: -1));

    [Fact]
    public void Fuse_DuplicateWithinOneList_CountsOnceAtItsBestRank()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("a", "b", "a"), Ranking("c")]);

        var scores = fused.ToDictionary(s => s.Chunk.Id, s => s.Score);
        Assert.Equal(3, fused.Count);
        Assert.Equal(1.0 / 61, scores["a"], Precision);
        Assert.Equal(1.0 / 62, scores["b"], Precision);
        Assert.Equal(1.0 / 61, scores["c"], Precision);
    }

    [Fact]
    public void Fuse_SameChunkInBothLists_AppearsOnceWithItsChunk()
    {
        var chunk = Chunk("a");
        IReadOnlyList<ScoredChunk> dense = [new ScoredChunk(chunk, 0.9)];
        IReadOnlyList<ScoredChunk> lexical = [new ScoredChunk(chunk with { }, 12.5)];

        var fused = ReciprocalRankFusion.Fuse([dense, lexical]);

        var only = Assert.Single(fused);
        Assert.Equal(chunk, only.Chunk);
    }

    [Fact]
    public void Fuse_NoRankingsOrEmptyRankings_ReturnsNothing()
    {
        Assert.Empty(ReciprocalRankFusion.Fuse([]));
        Assert.Empty(ReciprocalRankFusion.Fuse([Ranking(), Ranking()]));
    }

    [Fact]
    public void Fuse_OneRanking_KeepsItsOrder()
    {
        var fused = ReciprocalRankFusion.Fuse([Ranking("c", "a", "b"), Ranking()]);

        Assert.Equal(["c", "a", "b"], fused.Select(s => s.Chunk.Id));
    }
}
