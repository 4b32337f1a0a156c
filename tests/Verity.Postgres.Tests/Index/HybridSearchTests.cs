using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Embeddings;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Core.Security;
using Verity.Core.Text;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Index;

/// <summary>The store's one-statement fusion must give exactly what <see cref="ReciprocalRankFusion.Fuse"/> gives for
/// the store's own dense and lexical lists: same chunks, same order (ties included), same scores and ranks.</summary>
public abstract class HybridSearchTests : IAsyncLifetime
{
    private const string Tenant = "tenant-a";

    private static readonly string[] Texts =
    [
        "Harbour cranes are inspected every spring by the port authority.",
        "The crane operator logs each lift in the harbour ledger.",
        "Port authority fees rise for large container ships.",
        "Spring inspections of the lighthouse lamp happen at dawn.",
        "Container ships queue outside the harbour during storms.",
        "The ledger of the port authority is audited yearly.",
        "Storm warnings close the harbour to small boats.",
        "Lamp oil for the lighthouse is stored in the port warehouse.",
        "Crane crane crane: the harbour crane manual.",
        "Gardening notes: tomatoes, compost and raised beds.",
        "Railway timetables for the northern line.",
        "Sourdough bread needs a lively starter.",
    ];

    private readonly HashingEmbeddingGenerator _embedder = new();

    protected static CancellationToken Ct => CancellationToken.None;

    protected PostgresIndexStore Store { get; private set; } = null!;

    protected abstract PostgresDatabase Database { get; }

    /// <summary>See <see cref="PostgresIndexStore.ExactScanThreshold"/>.</summary>
    protected virtual int ExactScanThreshold => 2000;

    public virtual async Task InitializeAsync()
    {
        Store = new PostgresIndexStore(Database, NullLogger<PostgresIndexStore>.Instance) { ExactScanThreshold = ExactScanThreshold };
        await Store.InitializeAsync(new IndexConfiguration(_embedder.ModelId, _embedder.Dimensions, "v1"), Ct);
        for (var i = 0; i < Texts.Length; i++)
        {
            // Documents of two chunks, some of them restricted, so that ACL and document filters cut into both lists.
            var acl = i % 4 == 3 ? new DocumentAcl { Groups = ["harbour-staff"] } : DocumentAcl.Public;
            await PutAsync($"doc-{i / 2:00}-{i % 3}", [Texts[i], i % 5 == 0 ? Texts[(i + 7) % Texts.Length] : $"Appendix {i} of the harbour records."], acl);
        }

        // Two single-chunk documents that are exact mirror images in the two rankings' top places make a fused tie.
        await PutAsync("mirror-x", ["Quayside bollards and mooring lines."], DocumentAcl.Public);
        await PutAsync("mirror-y", ["Mooring lines and quayside bollards."], DocumentAcl.Public);
    }

    public abstract Task DisposeAsync();

    [Theory]
    [InlineData("harbour crane inspection", 60, 1.0, 1.0)]
    [InlineData("port authority ledger", 60, 2.0, 0.5)]
    [InlineData("container ships storm", 1, 0.3, 1.7)]
    [InlineData("lighthouse lamp oil", 0, 1.0, 0.0)]
    [InlineData("quayside bollards mooring lines", 60, 1.0, 1.0)]
    [InlineData("?! -- ()", 60, 1.0, 1.0)]
    public async Task SearchHybridAsync_SameData_EqualsFusionOfTheStoresOwnLists(string text, int k, double denseWeight, double lexicalWeight)
    {
        SearchFilter[] filters =
        [
            SearchFilter.ForTenant(Tenant),
            new() { TenantId = Tenant, Principals = ["user:erin"] },
            new() { TenantId = Tenant, Principals = ["group:harbour-staff"], DocumentIds = ["doc-00-0", "doc-01-1", "doc-03-0", "doc-03-1", "mirror-x", "mirror-y"] },
        ];
        foreach (var filter in filters)
        {
            foreach (var (candidates, limit) in new[] { (20, 10), (5, 3), (50, 50) })
            {
                var vector = _embedder.Embed(text);
                var dense = await Store.SearchDenseAsync(vector, filter, candidates, Ct);
                var lexical = await Store.SearchLexicalAsync(text, filter, candidates, Ct);
                var expected = ReciprocalRankFusion.Fuse([dense, lexical], k, [denseWeight, lexicalWeight]).Take(limit).ToList();

                var hybrid = await Store.SearchHybridAsync(new HybridQuery(vector, text, candidates, k, denseWeight, lexicalWeight), filter, limit, Ct);

                var context = $"'{text}', k {k}, weights {denseWeight}/{lexicalWeight}, {candidates} candidates, top {limit}, principals {string.Join(',', filter.Principals ?? [])}";
                Assert.True(expected.Count > 0, context);
                Assert.Equal(expected.Select(e => e.Chunk.Id), hybrid.Select(h => h.Chunk.Id));
                Assert.Equal(expected.Select(e => e.Score), hybrid.Select(h => h.Score));
                Assert.Equal(expected.Select(e => e.Chunk), hybrid.Select(h => h.Chunk));
                foreach (var hit in hybrid)
                {
                    Assert.Equal(Rank(dense, hit.Chunk.Id), hit.DenseRank);
                    Assert.Equal(Rank(lexical, hit.Chunk.Id), hit.LexicalRank);
                }
            }
        }
    }

    [Fact]
    public async Task SearchHybridAsync_MirroredChunks_BreaksTheFusedTieLikeTheRetriever()
    {
        const string text = "quayside bollards mooring lines";
        var filter = new SearchFilter { TenantId = Tenant, DocumentIds = ["mirror-x", "mirror-y"] };
        var dense = await Store.SearchDenseAsync(_embedder.Embed(text), filter, 10, Ct);
        var lexical = await Store.SearchLexicalAsync(text, filter, 10, Ct);
        var swapped = dense.Select(d => d.Chunk.Id).Reverse().SequenceEqual(lexical.Select(l => l.Chunk.Id));

        var hybrid = await Store.SearchHybridAsync(new HybridQuery(_embedder.Embed(text), text, 10, 60, 1.0, 1.0), filter, 10, Ct);

        Assert.Equal(2, hybrid.Count);
        if (swapped)
        {
            // Equal fused scores and equal best ranks: the id decides.
            Assert.Equal(hybrid[0].Score, hybrid[1].Score);
            Assert.Equal(["mirror-x#0", "mirror-y#0"], hybrid.Select(h => h.Chunk.Id));
        }

        Assert.Equal(ReciprocalRankFusion.Fuse([dense, lexical], 60, [1.0, 1.0]).Select(e => e.Chunk.Id), hybrid.Select(h => h.Chunk.Id));
    }

    private static int? Rank(IReadOnlyList<ScoredChunk> list, string id)
    {
        var index = list.ToList().FindIndex(r => r.Chunk.Id == id);
        return index < 0 ? null : index + 1;
    }

    private async Task PutAsync(string id, string[] texts, DocumentAcl acl)
    {
        var text = string.Join("\n\n", texts);
        var document = new DocumentRecord
        {
            TenantId = Tenant,
            Id = id,
            Title = "Harbour record " + id,
            Source = "test",
            MediaType = "text/plain",
            ContentHash = "sha256:" + id,
            ChunkerVersion = "v1",
            EmbeddingModel = _embedder.ModelId,
            Acl = acl,
        };
        var chunks = texts.Select((t, i) => new ChunkRecord(i, t, "", Terms.Words(t).Count, _embedder.Embed(t))).ToList();
        await Store.UpsertDocumentAsync(new DocumentWrite(document, text, chunks), Ct);
    }
}

/// <summary>Hybrid fusion on pgvector (PGlite), with dense search read from the HNSW index (iterative scans, and the
/// exact fall-back where a filter leaves the index short).</summary>
[Collection(PgliteTests.Name)]
public sealed class PgvectorHybridSearchTests : HybridSearchTests
{
    private readonly PgliteServer _server;
    private readonly PostgresDatabase _database;

    public PgvectorHybridSearchTests(PgliteServer server)
    {
        _server = server;
        server.ResetAsync().GetAwaiter().GetResult();
        _database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = server.ConnectionString }, NullLogger<PostgresDatabase>.Instance);
    }

    protected override PostgresDatabase Database => _database;

    protected override int ExactScanThreshold => 1;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await PgliteIndexScans.ForceAsync(_server);
    }

    public override async Task DisposeAsync()
    {
        await PgliteIndexScans.ResetAsync(_server);
        await _database.DisposeAsync();
    }
}

/// <summary>Hybrid fusion with exact vectors (real[]) on PostgreSQL 15, under row-level security.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresExactHybridSearchTests(PostgresServer server) : HybridSearchTests
{
    private readonly PostgresDatabase _database = new(
        new PostgresStoreOptions { ConnectionString = server.CreateDatabase() }, NullLogger<PostgresDatabase>.Instance);

    protected override PostgresDatabase Database => _database;

    public override async Task DisposeAsync() => await _database.DisposeAsync();
}
