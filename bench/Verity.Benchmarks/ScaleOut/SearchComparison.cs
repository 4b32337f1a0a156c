using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Verity.Benchmarks.Scale;
using Verity.Benchmarks.Synthetic;
using Verity.Core;
using Verity.Core.Embeddings;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Storage.Conformance.Servers;

namespace Verity.Benchmarks.ScaleOut;

internal sealed record StoreLatency(string Store, Latency Lexical, Latency Dense, Latency Hybrid);

internal sealed record SearchComparisonResult(
    int Chunks, int Documents, int Queries, double CopySeconds, StoreLatency Sqlite, StoreLatency Pglite, double DenseOverlapAt8);

/// <summary>
/// Search latency at one corpus size on the embedded store (SQLite, exact SIMD scan, FTS5) and on PostgreSQL with
/// pgvector (HNSW) as PGlite provides it: PostgreSQL compiled to WebAssembly, one backend session, so its figures
/// show the store's queries work at this size, not how fast a real PostgreSQL answers. The synthetic index is built
/// in SQLite and copied into PGlite through the stores' export and upsert (what <c>verity migrate-store</c> does).
/// </summary>
internal static class SearchComparison
{
    private static readonly SearchMode[] Modes = [SearchMode.Lexical, SearchMode.Dense, SearchMode.Hybrid];

    public static async Task<SearchComparisonResult> RunAsync(int chunks, int queryCount, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"verity-scaleout-search-{Guid.NewGuid():N}");
        var database = Path.Combine(directory, "verity.db");
        var corpus = Defaults.Corpus();
        var pglite = new PgliteServer();
        try
        {
            Console.WriteLine($"   building a synthetic SQLite index of {chunks:N0} chunks");
            var embedder = new HashingEmbeddingGenerator(new HashingEmbeddingOptions());
            BuildResult build;
            using (var writer = SyntheticIndex.Open(database))
            {
                await SyntheticIndex.InitializeAsync(writer, embedder, cancellationToken).ConfigureAwait(false);
                build = await SyntheticIndex.BuildAsync(writer, corpus, embedder, chunks, null, cancellationToken).ConfigureAwait(false);
            }

            Console.WriteLine($"   built {build.Chunks:N0} chunks in {build.Elapsed.TotalSeconds:0.0} s; starting PGlite");
            await pglite.InitializeAsync().ConfigureAwait(false);
            await using var sqlite = await WorkerThroughput.OpenAsync("sqlite:" + database, cancellationToken).ConfigureAwait(false);
            await using var postgres = await WorkerThroughput.OpenAsync(pglite.ConnectionString, cancellationToken).ConfigureAwait(false);
            var copySeconds = await CopyAsync(sqlite.GetRequiredService<IIndexStore>(), postgres.GetRequiredService<IIndexStore>(), build.Documents, cancellationToken)
                .ConfigureAwait(false);

            var random = corpus.QueryRandom();
            var warmups = Enumerable.Range(0, 30).Select(_ => corpus.Generator.Query(random)).ToList();
            var queries = Enumerable.Range(0, queryCount).Select(_ => corpus.Generator.Query(random)).ToList();
            var sqliteLatency = await MeasureAsync("SQLite", sqlite.GetRequiredService<Retriever>(), warmups, queries, cancellationToken).ConfigureAwait(false);
            var pgliteLatency = await MeasureAsync("PGlite", postgres.GetRequiredService<Retriever>(), warmups, queries, cancellationToken).ConfigureAwait(false);
            var overlap = await DenseOverlapAsync(sqlite.GetRequiredService<Retriever>(), postgres.GetRequiredService<Retriever>(), queries, cancellationToken)
                .ConfigureAwait(false);
            Console.WriteLine($"   dense top-8 overlap, PGlite HNSW against SQLite's exact scan: {overlap:P1}");
            return new SearchComparisonResult(chunks, build.Documents, queries.Count, copySeconds, sqliteLatency, pgliteLatency, overlap);
        }
        finally
        {
            await pglite.DisposeAsync().ConfigureAwait(false);
            SyntheticIndex.Delete(directory);
        }
    }

    private static async Task<double> CopyAsync(IIndexStore source, IIndexStore target, int documents, CancellationToken cancellationToken)
    {
        var exporter = (IIndexExporter)source;
        var started = Stopwatch.GetTimestamp();
        var copied = 0;
        await foreach (var write in exporter.ExportDocumentsAsync(Tenants.Default, cancellationToken).ConfigureAwait(false))
        {
            await target.UpsertDocumentAsync(write, cancellationToken).ConfigureAwait(false);
            if (++copied % Math.Max(1, documents / 10) == 0)
            {
                Console.WriteLine($"   copied {copied:N0}/{documents:N0} documents into PGlite ({Stopwatch.GetElapsedTime(started).TotalSeconds:0} s)");
            }
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task<StoreLatency> MeasureAsync(
        string store, Retriever retriever, List<string> warmups, List<string> queries, CancellationToken cancellationToken)
    {
        var latencies = new Dictionary<SearchMode, Latency>();
        foreach (var mode in Modes)
        {
            foreach (var query in warmups)
            {
                await SearchAsync(retriever, query, mode, cancellationToken).ConfigureAwait(false);
            }

            var timings = new double[queries.Count];
            for (var i = 0; i < queries.Count; i++)
            {
                timings[i] = await SearchAsync(retriever, queries[i], mode, cancellationToken).ConfigureAwait(false);
            }

            latencies[mode] = Latency.Of(timings);
            Console.WriteLine($"   {store,-6} {mode.ToString().ToLowerInvariant(),-7} {latencies[mode]} over {timings.Length} queries");
        }

        return new StoreLatency(store, latencies[SearchMode.Lexical], latencies[SearchMode.Dense], latencies[SearchMode.Hybrid]);
    }

    private static async Task<double> SearchAsync(Retriever retriever, string query, SearchMode mode, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await retriever.SearchAsync(
            new SearchRequest { Query = query, TenantId = Tenants.Default, Mode = mode, IncludeExcerpts = false }, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (response.Results.Count == 0)
        {
            throw new InvalidOperationException($"{mode} search for '{query}' returned nothing.");
        }

        return elapsed;
    }

    /// <summary>Share of SQLite's exact dense top 8 that the HNSW search also returns (recall at 8).</summary>
    private static async Task<double> DenseOverlapAsync(Retriever exact, Retriever approximate, List<string> queries, CancellationToken cancellationToken)
    {
        double found = 0, wanted = 0;
        foreach (var query in queries)
        {
            var request = new SearchRequest { Query = query, TenantId = Tenants.Default, Mode = SearchMode.Dense, IncludeExcerpts = false };
            var expected = (await exact.SearchAsync(request, cancellationToken).ConfigureAwait(false)).Results.Select(r => r.Chunk.Id).ToHashSet(StringComparer.Ordinal);
            var actual = (await approximate.SearchAsync(request, cancellationToken).ConfigureAwait(false)).Results.Select(r => r.Chunk.Id);
            found += actual.Count(expected.Contains);
            wanted += expected.Count;
        }

        return wanted == 0 ? 0 : found / wanted;
    }
}
