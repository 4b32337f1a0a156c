using BenchmarkDotNet.Attributes;
using Verity.Benchmarks.Synthetic;
using Verity.Core.Embeddings;
using Verity.Core.Model;

namespace Verity.Benchmarks.Micro;

/// <summary>Dense search through <c>SqliteIndexStore.SearchDenseAsync</c> on a prebuilt index: change-counter
/// check, the SIMD scan of the cached vector segment, and loading the winning chunks' rows. The query is embedded
/// beforehand (embedding is measured on its own). 50 results, as the retriever asks each retriever for.</summary>
[MemoryDiagnoser]
public class DenseStoreSearchBenchmarks : IDisposable
{
    private readonly HashingEmbeddingGenerator _embedder = new();
    private readonly SearchFilter _filter = SearchFilter.ForTenant(Tenants.Default);
    private TempIndex? _index;
    private ReadOnlyMemory<float>[] _queries = [];
    private int _next;

    [Params(10_000, 100_000)]
    public int Chunks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _index = TempIndex.CreateAsync(Chunks, _embedder).GetAwaiter().GetResult();
        var random = Defaults.Corpus().QueryRandom();
        _queries = [.. Enumerable.Range(0, 64).Select(_ => new ReadOnlyMemory<float>(_embedder.Embed(Defaults.Generator.Query(random))))];
        // The first search loads the vector segment from SQLite; measure steady state, not that.
        _ = SearchDense().GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task<IReadOnlyList<ScoredChunk>> SearchDense() =>
        _index!.Store.SearchDenseAsync(_queries[_next++ % _queries.Length], _filter, 50, CancellationToken.None);

    [GlobalCleanup]
    public void Dispose()
    {
        _index?.Dispose();
        _index = null;
        _embedder.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Full-text search through <c>SqliteIndexStore.SearchLexicalAsync</c> (FTS5 BM25 with the store's
/// column weights, joined to chunks and documents) on a prebuilt index. Queries are 2–4 content words drawn with
/// their corpus frequency, cycled; 50 results, as the retriever asks for.</summary>
[MemoryDiagnoser]
public class LexicalStoreSearchBenchmarks : IDisposable
{
    private readonly HashingEmbeddingGenerator _embedder = new();
    private readonly SearchFilter _filter = SearchFilter.ForTenant(Tenants.Default);
    private TempIndex? _index;
    private string[] _queries = [];
    private int _next;

    [Params(10_000, 100_000)]
    public int Chunks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _index = TempIndex.CreateAsync(Chunks, _embedder).GetAwaiter().GetResult();
        var random = Defaults.Corpus().QueryRandom();
        _queries = [.. Enumerable.Range(0, 64).Select(_ => Defaults.Generator.Query(random))];
    }

    [Benchmark]
    public Task<IReadOnlyList<ScoredChunk>> SearchLexical() =>
        _index!.Store.SearchLexicalAsync(_queries[_next++ % _queries.Length], _filter, 50, CancellationToken.None);

    [GlobalCleanup]
    public void Dispose()
    {
        _index?.Dispose();
        _index = null;
        _embedder.Dispose();
        GC.SuppressFinalize(this);
    }
}
