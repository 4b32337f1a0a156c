using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Embeddings;
using Verity.Core.Model;
using Verity.Core.Security;
using Verity.Core.Text;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Index;

/// <summary>What only the pgvector layout has: the vector column and HNSW index made at initialisation with the
/// configured options, the stored layout kept on reopening, and dense search through the index — complete under
/// filters thanks to iterative scans, and falling back to an exact scan when the index comes back short.</summary>
[Collection(PgliteTests.Name)]
public sealed class PgvectorIndexTests : IAsyncLifetime
{
    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";

    private static readonly string[] Topics =
    [
        "tides", "gulls", "rust", "fog", "ropes", "ferries", "tariffs", "pilots", "dredging", "lanterns", "salt", "cargo",
    ];

    private readonly PgliteServer _server;
    private readonly List<PostgresDatabase> _databases = [];
    private readonly HashingEmbeddingGenerator _embedder = new();

    public PgvectorIndexTests(PgliteServer server)
    {
        _server = server;
        server.ResetAsync().GetAwaiter().GetResult();
    }

    private static CancellationToken Ct => CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await PgliteIndexScans.ResetAsync(_server);
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task InitializeAsync_PgvectorAvailable_CreatesVectorColumnAndHnswIndexWithConfiguredOptions()
    {
        var logger = new ListLogger<PostgresIndexStore>();
        var store = new PostgresIndexStore(Open(new PostgresStoreOptions { HnswM = 12, HnswEfConstruction = 48 }), logger);

        await store.InitializeAsync(Configuration(_embedder), Ct);

        var index = (await IndexSql.RowsAsync(_server.ConnectionString, """
            SELECT i.indexdef, c.reloptions FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname
            WHERE i.tablename = 'chunks' AND i.indexname = 'chunks_embedding_hnsw'
            """)).Single();
        Assert.Contains("USING hnsw (embedding vector_cosine_ops)", (string)index[0]!, StringComparison.Ordinal);
        Assert.Equal(["m=12", "ef_construction=48"], (string[])index[1]!);
        Assert.Equal("vector(512)", await ColumnTypeAsync());
        Assert.Equal("pgvector", await IndexSql.ScalarAsync<string>(_server.ConnectionString, "SELECT vector_storage FROM index_generations"));
        Assert.True(logger.Logged(2114));
        Assert.False(logger.Logged(2111), "PGlite's superuser may use the GIN index under row-level security");
        // The migration ran as a superuser here, so it could mark the full-text match LEAKPROOF.
        Assert.True(await IndexSql.ScalarAsync<bool>(_server.ConnectionString, "SELECT proleakproof FROM pg_proc WHERE oid = 'ts_match_vq(tsvector, tsquery)'::regprocedure"));
    }

    [Fact]
    public async Task InitializeAsync_CreatedExactThenReopenedWithPgvector_KeepsTheStoredLayoutAndSaysSo()
    {
        var exact = new PostgresIndexStore(Open(new PostgresStoreOptions { VectorSearch = PostgresVectorSearch.Exact }), NullLogger<PostgresIndexStore>.Instance);
        await exact.InitializeAsync(Configuration(_embedder), Ct);
        await PutAsync(exact, TenantA, "keys", "Rotate the signing keys every ninety days.", DocumentAcl.Public);

        var logger = new ListLogger<PostgresIndexStore>();
        var reopened = new PostgresIndexStore(Open(new PostgresStoreOptions()), logger);
        await reopened.InitializeAsync(Configuration(_embedder), Ct);

        Assert.Equal("real[]", await ColumnTypeAsync());
        Assert.Equal(0L, await IndexSql.ScalarAsync<long>(_server.ConnectionString, "SELECT count(*) FROM pg_indexes WHERE indexname = 'chunks_embedding_hnsw'"));
        Assert.True(logger.Logged(2112));
        var hit = Assert.Single(await reopened.SearchDenseAsync(_embedder.Embed("Rotate the signing keys every ninety days."), SearchFilter.ForTenant(TenantA), 5, Ct));
        Assert.Equal(1.0, hit.Score, 5);
    }

    [Fact]
    public async Task SearchDenseAsync_MoreDimensionsThanHnswIndexes_UsesAHalfPrecisionIndexAndFullPrecisionScores()
    {
        var wide = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 2048 });
        var database = Open(new PostgresStoreOptions());
        var store = new PostgresIndexStore(database, NullLogger<PostgresIndexStore>.Instance) { ExactScanThreshold = 1 };
        var generation = await store.InitializeAsync(Configuration(wide), Ct);
        string[] texts = ["Basalt columns are hexagonal.", "Obsidian is volcanic glass.", "Pumice floats on water."];
        foreach (var text in texts)
        {
            await PutAsync(store, TenantA, text[..6], text, DocumentAcl.Public, wide);
        }

        await PgliteIndexScans.ForceAsync(_server);
        var hits = await store.SearchDenseAsync(wide.Embed(texts[1]), SearchFilter.ForTenant(TenantA), 3, Ct);
        var plan = await DensePlans.ExplainAsync(database, generation, SearchFilter.ForTenant(TenantA), wide.Embed(texts[1]), 3, gate: 3);

        Assert.Contains("USING hnsw (((embedding)::halfvec(2048)) halfvec_cosine_ops)", await IndexSql.ScalarAsync<string>(_server.ConnectionString,
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'chunks_embedding_hnsw'"), StringComparison.Ordinal);
        Assert.Equal("vector(2048)", await ColumnTypeAsync());
        Assert.Equal(["Index Scan on chunks_embedding_hnsw"], plan.IndexBranch);
        Assert.Null(plan.ScanBranch);
        Assert.Equal(texts[1], hits[0].Chunk.Text);
        Assert.Equal(1.0, hits[0].Score, 5);
        Assert.Equal(3, hits.Count);
    }

    [Fact]
    public async Task SearchDenseAsync_FilteredThroughTheIndex_ReturnsWhatAnExactScanReturns()
    {
        var database = Open(new PostgresStoreOptions());
        var indexed = new PostgresIndexStore(database, NullLogger<PostgresIndexStore>.Instance) { ExactScanThreshold = 1 };
        var exact = new PostgresIndexStore(database, NullLogger<PostgresIndexStore>.Instance) { ExactScanThreshold = int.MaxValue };
        var generation = await indexed.InitializeAsync(Configuration(_embedder), Ct);
        await exact.InitializeAsync(Configuration(_embedder), Ct);
        await SeedAsync(indexed);
        await PgliteIndexScans.ForceAsync(_server);

        var query = _embedder.Embed("quarterly report on harbour cranes");
        SearchFilter[] filters =
        [
            SearchFilter.ForTenant(TenantA),
            new() { TenantId = TenantA, Principals = ["user:nobody"] },
            new() { TenantId = TenantA, Principals = ["group:x"], Metadata = new Dictionary<string, string> { ["parity"] = "odd" } },
        ];
        foreach (var filter in filters)
        {
            foreach (var limit in new[] { 3, 12, 40 })
            {
                AssertSameRanking(await exact.SearchDenseAsync(query, filter, limit, Ct), await indexed.SearchDenseAsync(query, filter, limit, Ct));
            }
        }

        // Twelve public chunks in tenant A among 48 in the index: the index alone, continuing past rejected candidates.
        var plan = await DensePlans.ExplainAsync(database, generation, filters[1], query, 12, gate: 12);
        Assert.Equal(["Index Scan on chunks_embedding_hnsw"], plan.IndexBranch);
        Assert.Null(plan.ScanBranch);
        Assert.Equal(12, (await indexed.SearchDenseAsync(query, filters[1], 12, Ct)).Count);
    }

    [Fact]
    public async Task SearchDenseAsync_IndexScanCutShortByTheFilter_FallsBackToTheExactScan()
    {
        // As on pgvector before 0.8 (no iterative scans): the index returns the twelve nearest of all 48 chunks (tenant
        // B's, for this query), and the filter keeps the few of them, if any, that are tenant A's public ones.
        var database = Open(new PostgresStoreOptions { HnswEfSearch = 1 });
        var store = new PostgresIndexStore(database, NullLogger<PostgresIndexStore>.Instance) { ExactScanThreshold = 1, UseIterativeScans = false };
        var generation = await store.InitializeAsync(Configuration(_embedder), Ct);
        await SeedAsync(store);
        await PgliteIndexScans.ForceAsync(_server);
        var filter = new SearchFilter { TenantId = TenantA, Principals = ["user:nobody"] };
        var query = _embedder.Embed("Tenant B reports on harbour cranes");

        var plan = await DensePlans.ExplainAsync(database, generation, filter, query, 12, gate: 12, iterative: false);
        var hits = await store.SearchDenseAsync(query, filter, 12, Ct);

        Assert.Equal(["Index Scan on chunks_embedding_hnsw"], plan.IndexBranch);
        Assert.NotNull(plan.ScanBranch);
        Assert.DoesNotContain("Index Scan on chunks_embedding_hnsw", plan.ScanBranch);
        Assert.Equal(12, hits.Count);
        Assert.All(hits, h => Assert.StartsWith("public-", h.Chunk.DocumentId, StringComparison.Ordinal));
        Assert.Equal(hits.OrderByDescending(h => h.Score).Select(h => h.Chunk.Id), hits.Select(h => h.Chunk.Id));
    }

    /// <summary>The same chunks with the same scores, best first. Vectors this alike can tie to within pgvector's
    /// single-precision distances, so scores are compared to 1e-6 and two chunks that close may trade places.</summary>
    private static void AssertSameRanking(IReadOnlyList<ScoredChunk> expected, IReadOnlyList<ScoredChunk> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Score, actual[i].Score, 1e-6);
            var tied = expected.Where(e => Math.Abs(e.Score - expected[i].Score) < 1e-6).Select(e => e.Chunk.Id).ToList();
            if (tied.Count == 1)
            {
                Assert.Equal(expected[i].Chunk.Id, actual[i].Chunk.Id);
            }
        }

        var last = expected.Count == 0 ? 0 : expected[^1].Score + 1e-6;
        Assert.Equal(
            expected.Where(e => e.Score > last).Select(e => e.Chunk.Id).Order(StringComparer.Ordinal),
            actual.Where(a => a.Score > last).Select(a => a.Chunk.Id).Order(StringComparer.Ordinal));
    }

    /// <summary>Tenant A: 12 public and 12 restricted reports; tenant B: 24 more; each on its own topic. Odd-numbered
    /// ones of tenant A are tagged.</summary>
    private async Task SeedAsync(PostgresIndexStore store)
    {
        for (var i = 0; i < 12; i++)
        {
            var parity = i % 2 == 0 ? "even" : "odd";
            var topic = Topics[i];
            await PutAsync(store, TenantA, $"public-{i:00}", $"Quarterly report on harbour cranes and {topic}.", DocumentAcl.Public, metadata: parity);
            await PutAsync(store, TenantA, $"secret-{i:00}", $"Quarterly budget of the harbour cranes, {topic} included.", new DocumentAcl { Groups = ["x"] }, metadata: parity);
            await PutAsync(store, TenantB, $"b-{i:00}", $"Tenant B reports on harbour cranes and {topic}.", DocumentAcl.Public);
            await PutAsync(store, TenantB, $"b2-{i:00}", $"Harbour crane {topic}, second series.", DocumentAcl.Public);
        }
    }

    private PostgresDatabase Open(PostgresStoreOptions options)
    {
        options.ConnectionString = _server.ConnectionString;
        var database = new PostgresDatabase(options, NullLogger<PostgresDatabase>.Instance);
        _databases.Add(database);
        return database;
    }

    private Task<string> ColumnTypeAsync() => IndexSql.ScalarAsync<string>(_server.ConnectionString,
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'chunks'::regclass AND attname = 'embedding'");

    private static IndexConfiguration Configuration(HashingEmbeddingGenerator embedder) => new(embedder.ModelId, embedder.Dimensions, "v1");

    private async Task PutAsync(
        PostgresIndexStore store, string tenant, string id, string text, DocumentAcl acl, HashingEmbeddingGenerator? embedder = null, string? metadata = null)
    {
        embedder ??= _embedder;
        var document = new DocumentRecord
        {
            TenantId = tenant,
            Id = id,
            Title = "Report " + id,
            Source = "test",
            MediaType = "text/plain",
            ContentHash = "sha256:" + id,
            ChunkerVersion = "v1",
            EmbeddingModel = embedder.ModelId,
            Acl = acl,
            Metadata = metadata is null ? DocumentRecord.EmptyMetadata : new Dictionary<string, string> { ["parity"] = metadata },
        };
        var chunk = new ChunkRecord(0, text, "", Terms.Words(text).Count, embedder.Embed(text));
        Assert.True((await store.UpsertDocumentAsync(new DocumentWrite(document, text, [chunk]), Ct)).Applied);
    }
}
