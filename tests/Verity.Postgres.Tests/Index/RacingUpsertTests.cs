using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Embeddings;
using Verity.Core.Model;
using Verity.Core.Text;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Index;

/// <summary>Versioned upserts raced from several processes' worth of connection pools on the real server: whatever
/// the interleaving, the newest version wins and the stored text, chunks and parents all belong to it.</summary>
[Collection(PostgresTests.Name)]
public sealed class RacingUpsertTests(PostgresServer server) : IAsyncLifetime
{
    private const int Writers = 8;
    private const int Versions = 48;
    private const string Tenant = "tenant-a";

    private readonly HashingEmbeddingGenerator _embedder = new(new HashingEmbeddingOptions { Dimensions = 64 });
    private readonly List<PostgresDatabase> _databases = [];
    private string _connectionString = "";

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task UpsertDocumentAsync_ShuffledVersionsFromManyPools_NewestWinsWithOnlyItsChunks()
    {
        var stores = new List<PostgresIndexStore>();
        for (var i = 0; i < Writers; i++)
        {
            // A database (connection pool) per writer, as separate replicas or workers would have.
            var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = _connectionString }, NullLogger<PostgresDatabase>.Instance);
            _databases.Add(database);
            var store = new PostgresIndexStore(database, NullLogger<PostgresIndexStore>.Instance);
            await store.InitializeAsync(new IndexConfiguration(_embedder.ModelId, _embedder.Dimensions, "v1"), Ct);
            stores.Add(store);
        }

        var order = Enumerable.Range(1, Versions).OrderBy(_ => Random.Shared.Next()).ToArray();
        var queue = new ConcurrentQueue<int>(order);
        var results = new ConcurrentBag<(int Version, UpsertResult Result)>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = stores.Select(store => Task.Run(async () =>
        {
            await start.Task;
            while (queue.TryDequeue(out var version))
            {
                results.Add((version, await store.UpsertDocumentAsync(Write(version), Ct)));
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(writers);

        var context = $"write order {string.Join(',', order)}";
        var final = await stores[0].GetDocumentAsync(Tenant, "doc", Ct);
        Assert.NotNull(final);
        Assert.Equal(Versions, final.SourceVersion);
        Assert.Equal(Write(Versions).Text, await stores[0].GetDocumentTextAsync(Tenant, "doc", Ct));
        Assert.Equal(ChunkCount(Versions), final.ChunkCount);

        // Every applied write bumped the store's version once; every refused one saw a newer version stored.
        Assert.Equal(Versions, results.Count);
        Assert.True(results.Count(r => r.Result.Applied) == final.Version, context);
        Assert.All(results.Where(r => !r.Result.Applied), r => Assert.True(r.Result.Document.SourceVersion > r.Version, context));
        Assert.Contains(results, r => r.Version == Versions && r.Result.Applied);

        var superuser = server.SuperuserConnectionString(IndexSql.DatabaseOf(_connectionString));
        var chunks = await IndexSql.RowsAsync(superuser, "SELECT ordinal, text, parent_ordinal FROM chunks ORDER BY ordinal");
        Assert.Equal(Write(Versions).Chunks.Select(c => (object?)c.Ordinal), chunks.Select(r => r[0]));
        Assert.Equal(Write(Versions).Chunks.Select(c => (object?)c.Text), chunks.Select(r => r[1]));
        var parents = await IndexSql.RowsAsync(superuser, "SELECT text FROM chunk_parents ORDER BY ordinal");
        Assert.Equal(Write(Versions).Parents, parents.Select(r => (string)r[0]!));
        Assert.Equal(1L, await IndexSql.ScalarAsync<long>(superuser, "SELECT count(*) FROM documents"));

        var hits = await stores[^1].SearchLexicalAsync("revision", SearchFilter.ForTenant(Tenant), 50, Ct);
        Assert.Equal(ChunkCount(Versions), hits.Count);
        Assert.All(hits, h => Assert.Contains($"revision {Versions} ", h.Chunk.Text, StringComparison.Ordinal));
    }

    private static int ChunkCount(int version) => 1 + (version % 5);

    private DocumentWrite Write(int version)
    {
        var texts = Enumerable.Range(0, ChunkCount(version)).Select(i => $"Chunk {i} of revision {version} of the handbook.").ToArray();
        var parents = Enumerable.Range(0, 1 + (version % 3)).Select(i => $"Parent {i} of revision {version}.").ToArray();
        var text = string.Join("\n\n", texts);
        var document = new DocumentRecord
        {
            TenantId = Tenant,
            Id = "doc",
            Title = "Handbook",
            Source = "api",
            MediaType = "text/plain",
            ContentHash = ContentHash.Compute(text, "Handbook", DocumentRecord.EmptyMetadata),
            ChunkerVersion = "v1",
            EmbeddingModel = _embedder.ModelId,
            SourceVersion = version,
        };
        var chunks = texts.Select((t, i) => new ChunkRecord(i, t, "", Terms.Words(t).Count, _embedder.Embed(t)) { Parent = i % parents.Length }).ToList();
        return new DocumentWrite(document, text, chunks) { Parents = parents };
    }
}
