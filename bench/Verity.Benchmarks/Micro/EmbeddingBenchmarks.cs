using BenchmarkDotNet.Attributes;
using Verity.Benchmarks.Synthetic;
using Verity.Core.Embeddings;
using Verity.Core.Text;

namespace Verity.Benchmarks.Micro;

/// <summary>The hashing embedder on what it embeds at query time (a short question) and at ingest time (a chunk
/// at the chunker's 400-token ceiling). Dimensions are a parameter because they are the knob that trades memory
/// for collisions; they should barely move the cost, which is in the per-word hashing.</summary>
[MemoryDiagnoser]
public class EmbeddingBenchmarks : IDisposable
{
    private HashingEmbeddingGenerator _embedder = new();
    private string _query = "";
    private string _chunk = "";

    [Params(256, 512)]
    public int Dimensions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _embedder = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = Dimensions });
        _query = "How do I rotate the TLS certificates on the staging cluster?";

        // Whole sentences up to 400 o200k tokens, as a full chunk holds.
        var tokens = new TiktokenTokenCounter();
        var generator = Defaults.Generator;
        var random = new Random(Defaults.Seed);
        var chunk = "";
        while (true)
        {
            var next = chunk.Length == 0 ? generator.Sentence(random) : chunk + " " + generator.Sentence(random);
            if (tokens.CountTokens(next) > 400)
            {
                break;
            }

            chunk = next;
        }

        _chunk = chunk;
        Console.WriteLine($"// chunk: {tokens.CountTokens(_chunk)} tokens, {TextGenerator.CountWords(_chunk)} words");
    }

    [Benchmark(Baseline = true)]
    public float[] ShortQuery() => _embedder.Embed(_query);

    [Benchmark]
    public float[] Chunk400Tokens() => _embedder.Embed(_chunk);

    [GlobalCleanup]
    public void Dispose()
    {
        _embedder.Dispose();
        GC.SuppressFinalize(this);
    }
}
