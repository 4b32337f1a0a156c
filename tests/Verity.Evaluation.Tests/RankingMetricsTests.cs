using Verity.Evaluation.Metrics;

namespace Verity.Evaluation.Tests;

/// <summary>
/// trec_eval's definitions, proved on cases computed by hand: gain = the qrels grade, discount = log2(rank + 1),
/// ideal DCG from every judged relevant document of the query (retrieved or not), relevant = grade ≥ 1, unjudged
/// = not relevant. log2(2) = 1, log2(3) = 1.5849625, log2(4) = 2, log2(5) = 2.3219281.
/// </summary>
public sealed class RankingMetricsTests
{
    private static Dictionary<string, int> Qrels(params (string Id, int Grade)[] judged) =>
        judged.ToDictionary(j => j.Id, j => j.Grade, StringComparer.Ordinal);

    // ---------------------------------------------------------------- NdcgAt

    [Fact]
    public void NdcgAt_BinaryRelevanceAtRanks2And4_MatchesHandComputedValue()
    {
        // DCG@10  = 1/log2(3) + 1/log2(5) = 0.6309298 + 0.4306766 = 1.0616064
        // IDCG@10 = 1/log2(2) + 1/log2(3) = 1 + 0.6309298         = 1.6309298
        // nDCG@10 = 1.0616064 / 1.6309298 = 0.6509209
        var ndcg = RankingMetrics.NdcgAt(["d1", "d2", "d3", "d4"], Qrels(("d2", 1), ("d4", 1)), 10);

        Assert.Equal(0.65092, ndcg, 4);
    }

    [Fact]
    public void NdcgAt_GradedRelevance_UsesGradesAsGains()
    {
        // Ranking [d3, d1, d7], qrels {d1:2, d2:1, d3:1}.
        // DCG@3  = 1/log2(2) + 2/log2(3) + 0          = 1 + 1.2618595         = 2.2618595
        // IDCG@3 = 2/log2(2) + 1/log2(3) + 1/log2(4)  = 2 + 0.6309298 + 0.5   = 3.1309298
        // nDCG@3 = 2.2618595 / 3.1309298 = 0.7224242
        var ndcg = RankingMetrics.NdcgAt(["d3", "d1", "d7"], Qrels(("d1", 2), ("d2", 1), ("d3", 1)), 3);

        Assert.Equal(0.72242, ndcg, 4);
    }

    [Fact]
    public void NdcgAt_GradedDocumentsInWrongOrder_ScoresBelowOne()
    {
        // Ranking [d2, d1], qrels {d1:2, d2:1}.
        // DCG@10  = 1/log2(2) + 2/log2(3) = 1 + 1.2618595 = 2.2618595
        // IDCG@10 = 2/log2(2) + 1/log2(3) = 2 + 0.6309298 = 2.6309298
        // nDCG@10 = 0.8597187
        var ndcg = RankingMetrics.NdcgAt(["d2", "d1"], Qrels(("d1", 2), ("d2", 1)), 10);

        Assert.Equal(0.85972, ndcg, 4);
    }

    [Fact]
    public void NdcgAt_IdealOrder_IsOne()
    {
        var ndcg = RankingMetrics.NdcgAt(["d1", "d2", "d3", "x"], Qrels(("d1", 2), ("d2", 1), ("d3", 1)), 10);

        Assert.Equal(1.0, ndcg, 10);
    }

    [Fact]
    public void NdcgAt_RelevantDocumentBeyondCutoff_ContributesNothing()
    {
        // Ranking [x, y, d1], qrels {d1:1}.
        // k = 2: DCG@2 = 0 (d1 is at rank 3) → nDCG@2 = 0.
        // k = 3: DCG@3 = 1/log2(4) = 0.5; IDCG@3 = 1 → nDCG@3 = 0.5.
        var judged = Qrels(("d1", 1));

        Assert.Equal(0.0, RankingMetrics.NdcgAt(["x", "y", "d1"], judged, 2), 10);
        Assert.Equal(0.5, RankingMetrics.NdcgAt(["x", "y", "d1"], judged, 3), 10);
    }

    [Fact]
    public void NdcgAt_JudgedRelevantDocumentsNotRetrieved_StillCountInIdealDcg()
    {
        // Ranking [d1], qrels {d1:1, d2:1, d3:1}: d2 and d3 were never retrieved.
        // DCG@10  = 1
        // IDCG@10 = 1 + 1/log2(3) + 1/log2(4) = 1 + 0.6309298 + 0.5 = 2.1309298
        // nDCG@10 = 1 / 2.1309298 = 0.4692787
        var ndcg = RankingMetrics.NdcgAt(["d1"], Qrels(("d1", 1), ("d2", 1), ("d3", 1)), 10);

        Assert.Equal(0.46928, ndcg, 4);
    }

    [Fact]
    public void NdcgAt_IdealDcg_IsCutAtK()
    {
        // Ranking [d1], qrels {d1:1, d2:1, d3:1}, k = 1: DCG@1 = 1, IDCG@1 = 1 (only one slot) → 1.
        var ndcg = RankingMetrics.NdcgAt(["d1"], Qrels(("d1", 1), ("d2", 1), ("d3", 1)), 1);

        Assert.Equal(1.0, ndcg, 10);
    }

    [Fact]
    public void NdcgAt_UnjudgedAndGradeZeroDocuments_CountAsNonRelevant()
    {
        // Ranking [unjudged, d0 (grade 0), d1 (grade 1)], qrels {d0:0, d1:1}.
        // DCG@10  = 0 + 0 + 1/log2(4) = 0.5
        // IDCG@10 = 1 (the grade-0 judgement adds nothing to the ideal either)
        // nDCG@10 = 0.5
        var ndcg = RankingMetrics.NdcgAt(["unjudged", "d0", "d1"], Qrels(("d0", 0), ("d1", 1)), 10);

        Assert.Equal(0.5, ndcg, 10);
    }

    [Fact]
    public void NdcgAt_EmptyRanking_IsZero()
    {
        Assert.Equal(0.0, RankingMetrics.NdcgAt([], Qrels(("d1", 1)), 10));
    }

    [Fact]
    public void NdcgAt_NoRelevantJudgements_IsZero()
    {
        Assert.Equal(0.0, RankingMetrics.NdcgAt(["d1", "d2"], Qrels(), 10));
        Assert.Equal(0.0, RankingMetrics.NdcgAt(["d1", "d2"], Qrels(("d1", 0), ("d2", 0)), 10));
    }

    [Fact]
    public void NdcgAt_CutoffLargerThanRanking_UsesWholeRanking()
    {
        // Ranking [x, d1], qrels {d1:1}, k = 100: DCG = 1/log2(3) = 0.6309298, IDCG = 1 → 0.6309298.
        var ndcg = RankingMetrics.NdcgAt(["x", "d1"], Qrels(("d1", 1)), 100);

        Assert.Equal(0.63093, ndcg, 4);
    }

    [Fact]
    public void NdcgAt_DuplicateDocumentInRanking_GainsOnlyAtFirstRank()
    {
        // Ranking [d1, d1, d2], qrels {d1:1, d2:1}. The repeat of d1 earns nothing but keeps its slot
        // (as RecallAt counts it): DCG@10 = 1 + 0 + 1/log2(4) = 1.5; IDCG@10 = 1 + 1/log2(3) = 1.6309298;
        // nDCG@10 = 0.9197208. Counting the repeat again would give (1 + 0.6309298 + 0.5) / 1.6309298 = 1.31 > 1.
        var judged = Qrels(("d1", 1), ("d2", 1));

        Assert.Equal(0.91972, RankingMetrics.NdcgAt(["d1", "d1", "d2"], judged, 10), 4);
        Assert.Equal(1.0, RankingMetrics.NdcgAt(["d1", "d1"], Qrels(("d1", 1)), 10), 10);
    }

    // ---------------------------------------------------------------- RecallAt

    [Fact]
    public void RecallAt_Cutoffs10And100_CountRelevantWithinEachCutoff()
    {
        // 3 relevant documents: r1 at rank 2, r2 at rank 11, r3 never retrieved.
        // Recall@10 = 1/3; Recall@100 = 2/3.
        var ranking = new List<string> { "x1", "r1", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "r2", "x12" };
        var judged = Qrels(("r1", 1), ("r2", 2), ("r3", 1));

        Assert.Equal(1.0 / 3, RankingMetrics.RecallAt(ranking, judged, 10), 10);
        Assert.Equal(2.0 / 3, RankingMetrics.RecallAt(ranking, judged, 100), 10);
    }

    [Fact]
    public void RecallAt_DuplicatesInRanking_AreNotDoubleCounted()
    {
        // Ranking [d1, d1, d1, d2], 3 relevant: d1 and d2 found → 2/3 (not 4/3).
        var judged = Qrels(("d1", 1), ("d2", 1), ("d3", 1));

        Assert.Equal(2.0 / 3, RankingMetrics.RecallAt(["d1", "d1", "d1", "d2"], judged, 10), 10);
        // Only the first two positions count at k = 2: [d1, d1] → 1/3.
        Assert.Equal(1.0 / 3, RankingMetrics.RecallAt(["d1", "d1", "d1", "d2"], judged, 2), 10);
    }

    [Fact]
    public void RecallAt_GradeZeroAndUnjudged_AreNotRelevant()
    {
        // Relevant: d1 only (d0 has grade 0). Ranking [d0, u, d1] → 1/1.
        Assert.Equal(1.0, RankingMetrics.RecallAt(["d0", "u", "d1"], Qrels(("d0", 0), ("d1", 2)), 10), 10);
        // Ranking [d0, u] → 0/1.
        Assert.Equal(0.0, RankingMetrics.RecallAt(["d0", "u"], Qrels(("d0", 0), ("d1", 2)), 10), 10);
    }

    [Fact]
    public void RecallAt_NoRelevantJudgements_IsZero()
    {
        Assert.Equal(0.0, RankingMetrics.RecallAt(["d1"], Qrels(), 10));
        Assert.Equal(0.0, RankingMetrics.RecallAt(["d1"], Qrels(("d1", 0)), 10));
    }

    [Fact]
    public void RecallAt_EmptyRanking_IsZero()
    {
        Assert.Equal(0.0, RankingMetrics.RecallAt([], Qrels(("d1", 1)), 10));
    }

    // ---------------------------------------------------------------- ReciprocalRankAt

    [Fact]
    public void ReciprocalRankAt_FirstRelevantAtRank3_IsOneThird()
    {
        var rr = RankingMetrics.ReciprocalRankAt(["x", "y", "d1", "d2"], Qrels(("d1", 1), ("d2", 2)), 10);

        Assert.Equal(1.0 / 3, rr, 10);
    }

    [Fact]
    public void ReciprocalRankAt_FirstRelevantBeyondK_IsZero()
    {
        Assert.Equal(0.0, RankingMetrics.ReciprocalRankAt(["x", "y", "d1"], Qrels(("d1", 1)), 2));
    }

    [Fact]
    public void ReciprocalRankAt_GradeZeroAtRank1_IsSkipped()
    {
        // d0 (grade 0) at rank 1 is not relevant; d1 at rank 2 → 1/2.
        Assert.Equal(0.5, RankingMetrics.ReciprocalRankAt(["d0", "d1"], Qrels(("d0", 0), ("d1", 1)), 10), 10);
    }

    [Fact]
    public void ReciprocalRankAt_RelevantAtRank1_IsOne()
    {
        Assert.Equal(1.0, RankingMetrics.ReciprocalRankAt(["d1", "x"], Qrels(("d1", 1)), 10), 10);
    }

    [Fact]
    public void ReciprocalRankAt_EmptyRankingOrNoRelevant_IsZero()
    {
        Assert.Equal(0.0, RankingMetrics.ReciprocalRankAt([], Qrels(("d1", 1)), 10));
        Assert.Equal(0.0, RankingMetrics.ReciprocalRankAt(["d1"], Qrels(), 10));
    }
}
