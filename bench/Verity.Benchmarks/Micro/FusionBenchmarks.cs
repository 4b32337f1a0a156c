using BenchmarkDotNet.Attributes;
using Verity.Core.Model;
using Verity.Core.Retrieval;

namespace Verity.Benchmarks.Micro;

/// <summary>Reciprocal Rank Fusion of a dense and a lexical list of 50 hits each (what hybrid search fuses with
/// the default 50 candidates per retriever). How many chunks both lists share changes the size of the fused
/// list, so it is a parameter.</summary>
[MemoryDiagnoser]
public class FusionBenchmarks
{
    private IReadOnlyList<ScoredChunk>[] _rankings = [];

    [Params(0, 25, 50)]
    public int Shared { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var dense = Enumerable.Range(0, 50).Select(i => Hit($"doc-{i % 17:D3}.md", i, 0.9 - (i * 0.01))).ToList();
        // The lexical list holds the first `Shared` dense hits (in a shuffled order) and then chunks of its own.
        var random = new Random(7);
        var shared = dense.Take(Shared).OrderBy(_ => random.Next()).Select(h => h with { Score = 20 - random.NextDouble() });
        var own = Enumerable.Range(0, 50 - Shared).Select(i => Hit($"doc-{100 + (i % 13):D3}.md", i, 12.0 - (i * 0.1)));
        _rankings = [dense, shared.Concat(own).ToList()];
    }

    [Benchmark]
    public IReadOnlyList<ScoredChunk> Fuse() => ReciprocalRankFusion.Fuse(_rankings, ReciprocalRankFusion.DefaultK);

    private static ScoredChunk Hit(string documentId, int ordinal, double score) => new(
        new IndexedChunk
        {
            Id = IndexedChunk.MakeId(documentId, ordinal),
            DocumentId = documentId,
            DocumentTitle = "Title of " + documentId,
            Ordinal = ordinal,
            Text = "Chunk text that fusion never reads.",
            HeadingPath = "Section",
        },
        score);
}
