namespace Verity.Evaluation.Metrics;

/// <summary>
/// Per-query ranking metrics with trec_eval's definitions (as BEIR computes them through pytrec_eval): graded
/// gains taken from the qrels as they are, a log2(rank + 1) discount, the ideal DCG built from all judged documents
/// of the query, and "relevant" meaning a grade of at least 1. Unjudged documents count as not relevant.
/// </summary>
public static class RankingMetrics
{
    /// <summary>trec_eval <c>ndcg_cut.k</c>.</summary>
    public static double NdcgAt(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judged, int k)
    {
        var dcg = 0.0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(k, ranking.Count); i++)
        {
            // A repeated document keeps its slot but gains nothing (as in RecallAt), so nDCG cannot exceed 1.
            if (seen.Add(ranking[i]) && judged.TryGetValue(ranking[i], out var grade) && grade > 0)
            {
                dcg += grade / Math.Log2(i + 2);
            }
        }

        var ideal = judged.Values.Where(g => g > 0).OrderDescending().Take(k).Select((g, i) => g / Math.Log2(i + 2)).Sum();
        return ideal == 0 ? 0 : dcg / ideal;
    }

    /// <summary>trec_eval <c>recall.k</c>: relevant documents in the top k over all relevant documents.</summary>
    public static double RecallAt(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judged, int k)
    {
        var relevant = judged.Count(p => p.Value > 0);
        if (relevant == 0)
        {
            return 0;
        }

        var found = ranking.Take(k).Distinct(StringComparer.Ordinal).Count(d => judged.TryGetValue(d, out var g) && g > 0);
        return (double)found / relevant;
    }

    /// <summary>Reciprocal rank of the first relevant document within the top k (0 when none): MRR@k averaged.</summary>
    public static double ReciprocalRankAt(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> judged, int k)
    {
        for (var i = 0; i < Math.Min(k, ranking.Count); i++)
        {
            if (judged.TryGetValue(ranking[i], out var grade) && grade > 0)
            {
                return 1.0 / (i + 1);
            }
        }

        return 0;
    }
}
