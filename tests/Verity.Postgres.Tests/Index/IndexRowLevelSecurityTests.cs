using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Core;
using Verity.Core.Embeddings;
using Verity.Core.Model;
using Verity.Core.Security;
using Verity.Core.Text;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Index;

/// <summary>Row-level security as the second wall, on the real server as the ordinary application role: queries that
/// deliberately leave out every tenant and ACL condition still see only what the transaction's scope admits.</summary>
[Collection(PostgresTests.Name)]
public sealed class IndexRowLevelSecurityTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly string[] Tables = ["documents", "chunks", "chunk_parents"];

    private readonly HashingEmbeddingGenerator _embedder = new();
    private string _connectionString = "";
    private PostgresDatabase _database = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        _database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = _connectionString }, NullLogger<PostgresDatabase>.Instance);
        var store = new PostgresIndexStore(_database, NullLogger<PostgresIndexStore>.Instance);
        await store.InitializeAsync(new IndexConfiguration(_embedder.ModelId, _embedder.Dimensions, "v1"), Ct);
        await PutAsync(store, "a", "public-a", DocumentAcl.Public);
        await PutAsync(store, "a", "finance-a", new DocumentAcl { Groups = ["finance"] });
        await PutAsync(store, "a", "carol-a", new DocumentAcl { Users = ["carol"] });
        await PutAsync(store, "b", "public-b", DocumentAcl.Public);
        await PutAsync(store, "b", "finance-b", new DocumentAcl { Groups = ["finance"] });
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task UnfilteredSelect_TenantScope_SeesOnlyThatTenantsRows()
    {
        var seen = await SeenAsync(DbScope.Tenant("a"));

        Assert.Equal(["a/carol-a", "a/finance-a", "a/public-a"], seen["documents"]);
        Assert.Equal(["a/carol-a", "a/finance-a", "a/public-a"], seen["chunks"]);
        Assert.Equal(["a/carol-a", "a/finance-a", "a/public-a"], seen["chunk_parents"]);
        Assert.Equal(["b/finance-b", "b/public-b"], (await SeenAsync(DbScope.Tenant("b")))["documents"]);
    }

    [Fact]
    public async Task UnfilteredSelect_TenantAndPrincipalsScope_SeesOnlyReadableDocuments()
    {
        var finance = await SeenAsync(DbScope.Tenant("a", ["user:erin", "group:finance"]));
        var nobody = await SeenAsync(DbScope.Tenant("a", []));
        var carol = await SeenAsync(DbScope.Tenant("a", ["user:carol"]));

        foreach (var table in Tables)
        {
            Assert.Equal(["a/finance-a", "a/public-a"], finance[table]);
            Assert.Equal(["a/public-a"], nobody[table]);
            Assert.Equal(["a/carol-a", "a/public-a"], carol[table]);
        }
    }

    [Fact]
    public async Task UnfilteredSelect_ConnectionWithoutScope_SeesNothing()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        Assert.Equal([(object?)PostgresServer.AppRole, false], (await IndexSql.RowsAsync(connection, "SELECT current_user::text, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")).Single());

        foreach (var table in Tables)
        {
            Assert.Equal(0L, (await IndexSql.RowsAsync(connection, $"SELECT count(*) FROM {table}")).Single()[0]);
        }

        // The superuser (who bypasses row-level security) shows the rows are there.
        var all = await IndexSql.ScalarAsync<long>(server.SuperuserConnectionString(IndexSql.DatabaseOf(_connectionString)), "SELECT count(*) FROM chunks");
        Assert.Equal(5L, all);
    }

    [Fact]
    public async Task Write_RowOfAnotherTenantOrHiddenDocument_IsRefusedOrUntouched()
    {
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => _database.ExecuteAsync(DbScope.Tenant("a"), "smuggle a row", async (c, ct) =>
        {
            await using var command = new NpgsqlCommand("UPDATE documents SET tenant_id = 'b', id = 'moved' WHERE id = 'public-a'", c);
            return await command.ExecuteNonQueryAsync(ct);
        }, Ct));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(error.InnerException).SqlState);

        var touched = await _database.ExecuteAsync(DbScope.Tenant("a", ["user:erin"]), "rename everything", async (c, ct) =>
        {
            await using var command = new NpgsqlCommand("UPDATE documents SET title = 'renamed'", c);
            return await command.ExecuteNonQueryAsync(ct);
        }, Ct);

        Assert.Equal(1, touched);
        var titles = await IndexSql.RowsAsync(server.SuperuserConnectionString(IndexSql.DatabaseOf(_connectionString)),
            "SELECT tenant_id || '/' || id, title FROM documents ORDER BY 1");
        Assert.Equal(["a/carol-a", "a/finance-a", "a/public-a", "b/finance-b", "b/public-b"], titles.Select(r => (string)r[0]!));
        Assert.Equal(["Doc carol-a", "Doc finance-a", "renamed", "Doc finance-b", "Doc public-b"], titles.Select(r => (string)r[1]!));
    }

    /// <summary>For each table, the tenant/document pairs an unfiltered SELECT returns in <paramref name="scope"/>.</summary>
    private Task<Dictionary<string, List<string>>> SeenAsync(DbScope scope) =>
        _database.ExecuteAsync(scope, "read without conditions", async (connection, ct) =>
        {
            var seen = new Dictionary<string, List<string>>();
            foreach (var table in Tables)
            {
                var column = table == "documents" ? "id" : "document_id";
                var rows = await IndexSql.RowsAsync(connection, $"SELECT DISTINCT tenant_id || '/' || {column} FROM {table} ORDER BY 1");
                seen[table] = rows.Select(r => (string)r[0]!).ToList();
            }

            return seen;
        }, Ct);

    private async Task PutAsync(PostgresIndexStore store, string tenant, string id, DocumentAcl acl)
    {
        var text = $"Document {id} of tenant {tenant}.";
        var document = new DocumentRecord
        {
            TenantId = tenant,
            Id = id,
            Title = $"Doc {id}",
            Source = "test",
            MediaType = "text/plain",
            ContentHash = "sha256:" + id,
            ChunkerVersion = "v1",
            EmbeddingModel = _embedder.ModelId,
            Acl = acl,
        };
        var chunk = new ChunkRecord(0, text, "", Terms.Words(text).Count, _embedder.Embed(text)) { Parent = 0 };
        var result = await store.UpsertDocumentAsync(new DocumentWrite(document, text, [chunk]) { Parents = [$"Parent passage of {id}."] }, Ct);
        Assert.True(result.Applied);
    }
}
