using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Verity.Core;
using Verity.Core.Embeddings;
using Verity.Core.Model;
using Verity.Core.Text;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Index;

/// <summary>
/// Under row-level security PostgreSQL reads an index for a query condition only if the condition's function is
/// LEAKPROOF, and the full-text match is not by default: as the application role, lexical search then filters the
/// tenant's chunks one by one. The store says so at start-up, with the one statement a superuser runs to fix it,
/// and after that statement the same query reads the GIN index.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresLexicalIndexTests(PostgresServer server) : IAsyncLifetime
{
    private const string Tenant = "tenant-a";

    private readonly HashingEmbeddingGenerator _embedder = new(new HashingEmbeddingOptions { Dimensions = 16 });
    private string _connectionString = "";
    private PostgresDatabase _database = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        _database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = _connectionString }, NullLogger<PostgresDatabase>.Instance);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task SearchLexicalAsync_MatchMarkedLeakproofBySuperuser_ReadsTheGinIndexUnderRowLevelSecurity()
    {
        var before = new ListLogger<PostgresIndexStore>();
        var store = new PostgresIndexStore(_database, before);
        var generation = await store.InitializeAsync(new IndexConfiguration(_embedder.ModelId, _embedder.Dimensions, "v1"), Ct);
        await PutManyChunksAsync(store);
        // As autovacuum would: merge the GIN index's pending list and gather statistics, so its cost is realistic.
        await IndexSql.ExecuteAsync(_connectionString, "VACUUM ANALYZE chunks");

        var unmarked = await ExplainLexicalAsync(generation, "zeugma");
        await IndexSql.ExecuteAsync(server.SuperuserConnectionString(IndexSql.DatabaseOf(_connectionString)),
            "ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF");
        var after = new ListLogger<PostgresIndexStore>();
        await new PostgresIndexStore(_database, after).InitializeAsync(new IndexConfiguration(_embedder.ModelId, _embedder.Dimensions, "v1"), Ct);
        var marked = await ExplainLexicalAsync(generation, "zeugma");

        Assert.Contains(before.Entries, e => e.Event.Id == 2111 && e.Message.Contains("ALTER FUNCTION ts_match_vq(tsvector, tsquery) LEAKPROOF", StringComparison.Ordinal));
        Assert.DoesNotContain("chunks_tsv", unmarked, StringComparison.Ordinal);
        Assert.False(after.Logged(2111));
        Assert.Contains("Bitmap Index Scan on chunks_tsv", marked, StringComparison.Ordinal);
        var hit = Assert.Single(await store.SearchLexicalAsync("zeugma", SearchFilter.ForTenant(Tenant), 10, Ct));
        Assert.Equal("The rare figure of speech called zeugma appears once.", hit.Chunk.Text);
    }

    private Task<string> ExplainLexicalAsync(IndexGeneration generation, string query) =>
        _database.ExecuteAsync(DbScope.Tenant(Tenant), "explain", async (connection, ct) =>
        {
            var where = IndexFilter.Create(SearchFilter.ForTenant(Tenant), generation.Id);
            await using var command = new NpgsqlCommand(
                $"EXPLAIN (COSTS OFF) WITH {IndexSearchSql.LexicalCte(where, hasQuery: true)}\n{IndexSearchSql.Results("lexical")}", connection);
            where.AddTo(command.Parameters);
            command.Parameters.Add(new NpgsqlParameter("tsquery", NpgsqlDbType.Text) { Value = PgTextQuery.Build(query) });
            command.Parameters.AddWithValue("lexical_limit", 10);
            var lines = await IndexSql.RowsAsync(connection, command.CommandText, [.. command.Parameters.Select(p => p.Clone())]);
            return string.Join('\n', lines.Select(l => (string)l[0]!));
        }, Ct);

    private async Task PutManyChunksAsync(PostgresIndexStore store)
    {
        var texts = Enumerable.Range(0, 3000).Select(i => $"Line {i} of the harbour ledger lists cranes, quays and tides.")
            .Append("The rare figure of speech called zeugma appears once.")
            .ToArray();
        var text = string.Join("\n", texts);
        var document = new DocumentRecord
        {
            TenantId = Tenant,
            Id = "ledger",
            Title = "Ledger",
            Source = "test",
            MediaType = "text/plain",
            ContentHash = "sha256:ledger",
            ChunkerVersion = "v1",
            EmbeddingModel = _embedder.ModelId,
        };
        var chunks = texts.Select((t, i) => new ChunkRecord(i, t, "", Terms.Words(t).Count, _embedder.Embed(t))).ToList();
        Assert.True((await store.UpsertDocumentAsync(new DocumentWrite(document, text, chunks), Ct)).Applied);
    }
}
