using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using Verity.Benchmarks.Synthetic;

namespace Verity.Benchmarks.Micro;

/// <summary>
/// The exact dense scan the SQLite store runs per query: one <c>TensorPrimitives.Dot</c>
/// per row of a contiguous row-major matrix and a bounded min-heap for top-k. <c>VectorSegment</c> is internal to
/// Verity.Sqlite, so its loop is reproduced here line for line (unfiltered path); keep the two in step.
/// Vectors are random unit vectors: the scan costs the same whatever the values, and the heap sees about as many
/// replacements as with real embeddings in arbitrary row order.
/// </summary>
[MemoryDiagnoser]
public class ExactVectorSearchBenchmarks
{
    private const int Dimensions = 512;

    private float[] _matrix = [];
    private long[] _ids = [];
    private float[] _query = [];

    [Params(10_000, 100_000)]
    public int Vectors { get; set; }

    [Params(10, 100)]
    public int TopK { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Defaults.Seed);
        _matrix = new float[(long)Vectors * Dimensions];
        _ids = new long[Vectors];
        for (var row = 0; row < Vectors; row++)
        {
            _ids[row] = row + 1;
            FillUnit(random, _matrix.AsSpan(row * Dimensions, Dimensions));
        }

        _query = new float[Dimensions];
        FillUnit(random, _query);
    }

    [Benchmark]
    public List<(long ChunkId, float Score)> DotTopK()
    {
        var limit = TopK;
        var heap = new PriorityQueue<long, float>(limit + 1);
        var span = _matrix.AsSpan();
        for (var row = 0; row < _ids.Length; row++)
        {
            var score = TensorPrimitives.Dot(_query, span.Slice(row * Dimensions, Dimensions));
            if (heap.Count < limit)
            {
                heap.Enqueue(_ids[row], score);
            }
            else if (heap.TryPeek(out _, out var worst) && score > worst)
            {
                heap.DequeueEnqueue(_ids[row], score);
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

    private static void FillUnit(Random random, Span<float> vector)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (random.NextSingle() * 2) - 1;
        }

        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
    }
}
