using Verity.Core.Model;

namespace Verity.Core.Retrieval;

/// <summary>
/// Reciprocal Rank Fusion (Cormack, Clarke and Büttcher, 2009): score(d) = Σ 1 / (k + rank(d)), rank from 1 in each
/// list. It needs no score calibration between retrievers, which is why BM25 and cosine can be fused at all.
/// Optional per-list weights (weighted RRF) let a stronger retriever count for more.
/// </summary>
public static class ReciprocalRankFusion
{
    public const int DefaultK = 60;

    public static IReadOnlyList<ScoredChunk> Fuse(
        IReadOnlyList<IReadOnlyList<ScoredChunk>> rankings, int k = DefaultK, IReadOnlyList<double>? weights = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (weights is not null && (weights.Count != rankings.Count || weights.Any(w => w < 0 || double.IsNaN(w))))
        {
            throw new ArgumentException("Give one non-negative weight per ranking.", nameof(weights));
        }

        var fused = new Dictionary<string, (IndexedChunk Chunk, double Score, int BestRank)>(StringComparer.Ordinal);

        for (var list = 0; list < rankings.Count; list++)
        {
            var ranking = rankings[list];
            var weight = weights?[list] ?? 1.0;
            // A chunk listed twice by one retriever counts once, at its best rank.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < ranking.Count; i++)
            {
                var chunk = ranking[i].Chunk;
                if (!seen.Add(chunk.Id))
                {
                    continue;
                }

                var contribution = weight / (k + i + 1);
                fused[chunk.Id] = fused.TryGetValue(chunk.Id, out var entry)
                    ? (entry.Chunk, entry.Score + contribution, Math.Min(entry.BestRank, i))
                    : (chunk, contribution, i);
            }
        }

        // Ties (equal fused score) go to the chunk ranked higher in any list, then to the id, so results are stable.
        return fused.Values
            .OrderByDescending(e => e.Score)
            .ThenBy(e => e.BestRank)
            .ThenBy(e => e.Chunk.Id, StringComparer.Ordinal)
            .Select(e => new ScoredChunk(e.Chunk, e.Score))
            .ToList();
    }
}
