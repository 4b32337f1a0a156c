namespace Verity.Evaluation.Reports;

/// <summary>Published nDCG@10 reference points (BEIR paper, Thakur et al. 2021; MTEB leaderboard), shown next to
/// measured figures so a reader knows what "good" is on each dataset.</summary>
public static class PublishedReferences
{
    private static readonly Dictionary<string, (string System, double Ndcg)[]> ByDataset = new(StringComparer.OrdinalIgnoreCase)
    {
        ["scifact"] = [("BM25 (BEIR)", 0.665), ("DPR", 0.318), ("ANCE", 0.507), ("TAS-B", 0.643), ("bge-small-en-v1.5", 0.72)],
        ["nfcorpus"] = [("BM25 (BEIR)", 0.325)],
    };

    public static IReadOnlyList<(string System, double Ndcg)> For(string dataset) =>
        ByDataset.TryGetValue(dataset, out var references) ? references : [];
}
