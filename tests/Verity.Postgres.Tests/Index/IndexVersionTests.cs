using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Core;
using Verity.Core.Embeddings;
using Verity.Core.Model;
using Verity.Core.Text;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Index;

/// <summary>The tenant index versions on the real server, as the ordinary application role: writers in several
/// connection pools (replicas) racing on one tenant lose no count, and the versions table is behind the same
/// row-level security wall as every other tenant table.</summary>
[Collection(PostgresTests.Name)]
public sealed class IndexVersionTests(PostgresServer server) : IAsyncLifetime
{
    private const int Pools = 6;
    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";

    private readonly HashingEmbeddingGenerator _embedder = new(new HashingEmbeddingOptions { Dimensions = 32 });
    private readonly List<PostgresDatabase> _databases = [];
    private string _connectionString = "";

    private static CancellationToken Ct => CancellationToken.None;

    private string Superuser => server.SuperuserConnectionString(IndexSql.DatabaseOf(_connectionString));

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        _embedder.Dispose();
    }

    [Fact]
    public async Task GetIndexVersionAsync_RacingWritersInSeveralPools_CountsExactlyTheAppliedWrites()
    {
        var stores = new List<PostgresIndexStore>();
        for (var i = 0; i < Pools; i++)
        {
            stores.Add(await OpenStoreAsync());
        }

        // Shuffled versions of one shared document (some refused as stale), plus a document of each writer's own that
        // it writes and deletes, sometimes twice (the second delete finds nothing).
        var work = new ConcurrentQueue<int>(Enumerable.Range(1, 36).OrderBy(_ => Random.Shared.Next()));
        var applied = 0;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = stores.Select((store, w) => Task.Run(async () =>
        {
            await start.Task;
            while (work.TryDequeue(out var version))
            {
                if ((await store.UpsertDocumentAsync(Write(TenantA, "shared", version), Ct)).Applied)
                {
                    Interlocked.Increment(ref applied);
                }
                if (version % 3 == 0)
                {
                    Assert.True((await store.UpsertDocumentAsync(Write(TenantA, $"own-{w}", null), Ct)).Applied);
                    Assert.True(await store.DeleteDocumentAsync(TenantA, $"own-{w}", Ct));
                    Assert.False(await store.DeleteDocumentAsync(TenantA, $"own-{w}", Ct));
                    Interlocked.Add(ref applied, 2);
                }
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(writers);

        var version = await stores[0].GetIndexVersionAsync(TenantA, Ct);
        Assert.Equal(applied, version.Changes);
        Assert.Equal(36, (await stores[0].GetDocumentAsync(TenantA, "shared", Ct))!.SourceVersion);
        foreach (var store in stores)
        {
            Assert.Equal(version, await store.GetIndexVersionAsync(TenantA, Ct));
        }

        Assert.Equal(0, (await stores[^1].GetIndexVersionAsync(TenantB, Ct)).Changes);
        var row = Assert.Single(await IndexSql.RowsAsync(Superuser, "SELECT tenant_id, changes FROM index_versions"));
        Assert.Equal(TenantA, row[0]);
        Assert.Equal((long)applied, row[1]);
    }

    [Fact]
    public async Task IndexVersions_UnfilteredSqlInATenantScope_SeesAndTouchesOnlyThatTenantsRow()
    {
        var store = await OpenStoreAsync();
        await store.UpsertDocumentAsync(Write(TenantA, "doc", null), Ct);
        await store.UpsertDocumentAsync(Write(TenantB, "doc", null), Ct);
        await store.UpsertDocumentAsync(Write(TenantB, "doc", null), Ct);
        var database = _databases[0];

        var seen = await database.ExecuteAsync(DbScope.Tenant(TenantB), "read every version", async (connection, ct) =>
            (await IndexSql.RowsAsync(connection, "SELECT tenant_id, changes FROM index_versions")).Select(r => (string)r[0]!).ToList(), Ct);
        var raised = await database.ExecuteAsync(DbScope.Tenant(TenantA), "raise every version", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("UPDATE index_versions SET changes = changes + 100", connection);
            return await command.ExecuteNonQueryAsync(ct);
        }, Ct);
        var smuggled = await Assert.ThrowsAsync<StoreUnavailableException>(() => database.ExecuteAsync(DbScope.Tenant(TenantA), "write another tenant's version", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("INSERT INTO index_versions (tenant_id, changes) VALUES ('tenant-c', 1)", connection);
            return await command.ExecuteNonQueryAsync(ct);
        }, Ct));

        Assert.Equal([TenantB], seen);
        Assert.Equal(1, raised);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(smuggled.InnerException).SqlState);
        Assert.Equal(101, (await store.GetIndexVersionAsync(TenantA, Ct)).Changes);
        Assert.Equal(2, (await store.GetIndexVersionAsync(TenantB, Ct)).Changes);

        await using var unscoped = new NpgsqlConnection(_connectionString);
        await unscoped.OpenAsync();
        Assert.Empty(await IndexSql.RowsAsync(unscoped, "SELECT * FROM index_versions"));
        Assert.Equal(2L, await IndexSql.ScalarAsync<long>(Superuser, "SELECT count(*) FROM index_versions"));
    }

    private async Task<PostgresIndexStore> OpenStoreAsync()
    {
        // A database (connection pool) per store, as separate replicas or workers would have.
        var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = _connectionString }, NullLogger<PostgresDatabase>.Instance);
        _databases.Add(database);
        var store = new PostgresIndexStore(database, NullLogger<PostgresIndexStore>.Instance);
        await store.InitializeAsync(new IndexConfiguration(_embedder.ModelId, _embedder.Dimensions, "v1"), Ct);
        return store;
    }

    private DocumentWrite Write(string tenant, string id, long? sourceVersion)
    {
        var text = $"Revision {sourceVersion} of {id} in {tenant}.";
        var document = new DocumentRecord
        {
            TenantId = tenant,
            Id = id,
            Title = id,
            Source = "api",
            MediaType = "text/plain",
            ContentHash = ContentHash.Compute(text, id, DocumentRecord.EmptyMetadata),
            ChunkerVersion = "v1",
            EmbeddingModel = _embedder.ModelId,
            SourceVersion = sourceVersion,
        };
        return new DocumentWrite(document, text, [new ChunkRecord(0, text, "", Terms.Words(text).Count, _embedder.Embed(text))]);
    }
}
