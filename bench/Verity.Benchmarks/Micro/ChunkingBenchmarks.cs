using BenchmarkDotNet.Attributes;
using Verity.Benchmarks.Synthetic;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Text;

namespace Verity.Benchmarks.Micro;

/// <summary>Recursive chunking of a ~3,000-word wiki-like Markdown page (sections, lists, a table, code), already
/// parsed; and parse plus chunk, which is the whole per-document cost of ingestion before embedding. The chunk
/// ceiling is a parameter because smaller chunks mean more splitting and more token counting.</summary>
[MemoryDiagnoser]
public class ChunkingBenchmarks
{
    private readonly MarkdownParser _parser = new();
    private RecursiveChunker _chunker = null!;
    private string _markdown = "";
    private ParsedDocument _parsed = null!;

    [Params(200, 400)]
    public int MaxTokens { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _chunker = new RecursiveChunker(new TiktokenTokenCounter(), new ChunkingOptions { MaxTokens = MaxTokens, OverlapTokens = 60 });
        _markdown = Defaults.Generator.MarkdownDocument(new Random(Defaults.Seed), 3_000);
        _parsed = _parser.Parse(_markdown);
        var chunks = _chunker.Chunk(_parsed);
        Console.WriteLine(
            $"// document: {TextGenerator.CountWords(_markdown):N0} words, {_markdown.Length:N0} characters, " +
            $"{_parsed.Sections.Count} sections → {chunks.Count} chunks of ≤ {MaxTokens} tokens");
    }

    [Benchmark(Baseline = true)]
    public IReadOnlyList<TextChunk> Chunk() => _chunker.Chunk(_parsed);

    [Benchmark]
    public IReadOnlyList<TextChunk> ParseAndChunk() => _chunker.Chunk(_parser.Parse(_markdown));
}
