using System.Numerics.Tensors;

namespace Verity.Sqlite;

/// <summary>
/// The vectors of one tenant's chunks in one generation, as one contiguous matrix for a SIMD scan. Loaded from
/// the database on first search and reloaded when the store's change counter moves, so writes from any
/// connection or process are seen.
/// </summary>
internal sealed class VectorSegment(long changeCounter, int dimensions, long[] chunkIds, float[] matrix)
{
    public long ChangeCounter { get; } = changeCounter;

    public int Count => chunkIds.Length;

    public long MemoryBytes => ((long)matrix.Length * sizeof(float)) + ((long)chunkIds.Length * sizeof(long));

    /// <summary>Exact top-k by dot product (cosine, since vectors are unit length), optionally restricted to an
    /// allowed set of chunk ids. Returns (chunk id, score) best first.</summary>
    public List<(long ChunkId, float Score)> Search(ReadOnlySpan<float> query, int limit, IReadOnlySet<long>? allowed)
    {
        var heap = new PriorityQueue<long, float>(limit + 1);
        var span = matrix.AsSpan();
        for (var row = 0; row < chunkIds.Length; row++)
        {
            if (allowed is not null && !allowed.Contains(chunkIds[row]))
            {
                continue;
            }

            var score = TensorPrimitives.Dot(query, span.Slice(row * dimensions, dimensions));
            if (heap.Count < limit)
            {
                heap.Enqueue(chunkIds[row], score);
            }
            else if (heap.TryPeek(out _, out var worst) && score > worst)
            {
                heap.DequeueEnqueue(chunkIds[row], score);
            }
        }

        var result = new List<(long, float)>(heap.Count);
        while (heap.TryDequeue(out var id, out var score))
        {
            result.Add((id, score));
        }

        result.Reverse();
        return result;
    }
}
