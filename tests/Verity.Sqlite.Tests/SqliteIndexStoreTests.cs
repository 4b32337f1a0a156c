using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Sqlite.Tests;

/// <summary>The conformance suite against a real SQLite file, plus what only the SQLite store has: WAL, the file
/// layout, reopening from disk, the in-memory vector segments and the standalone FTS table.</summary>
public sealed class SqliteIndexStoreTests : IndexStoreConformanceTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    // A folder that does not exist yet: InitializeAsync must create it.
    private string DatabasePath => _directory.Combine("data", "nested", "verity.db");

    protected override IIndexStore CreateStore() =>
        new SqliteIndexStore(new SqliteStoreOptions { Path = DatabasePath }, NullLogger<SqliteIndexStore>.Instance);

    // The export conformance test copies into a second file, as `verity migrate-store` would.
    protected override IIndexStore? CreateStoreOverFreshStorage() =>
        new SqliteIndexStore(new SqliteStoreOptions { Path = _directory.Combine("copy", "verity.db") }, NullLogger<SqliteIndexStore>.Instance);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task InitializeAsync_NewDatabase_TurnsOnWalJournalMode()
    {
        await PutAsync(TenantA, "doc", ["Anything."]);

        using var connection = OpenRaw();

        Assert.Equal("wal", Scalar<string>(connection, "PRAGMA journal_mode"));
        Assert.True(File.Exists(DatabasePath + "-wal"), "a WAL file exists while the store has the database open");
    }

    [Fact]
    public void InitializeAsync_MissingFolder_CreatesOneDatabaseFileWithTheSchema()
    {
        Assert.True(File.Exists(DatabasePath));
        Assert.Equal(Path.GetFullPath(DatabasePath), ((SqliteIndexStore)Store).Path);

        using var connection = OpenRaw();
        var tables = Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'chunks_fts_%' ORDER BY name")
            .Select(r => (string)r[0]).ToList();

        Assert.Equal(
            ["api_keys", "audit_log", "chunk_content", "chunk_parents", "chunk_vectors", "chunks", "chunks_fts", "connector_checkpoints",
             "document_bodies", "document_principals", "documents", "index_generations", "index_versions", "ingest_job_items", "ingest_jobs",
             "schema_info"],
            tables);
        Assert.Equal("5", Scalar<string>(connection, "SELECT value FROM schema_info WHERE key = 'schema_version'"));
        Assert.Equal(1, Scalar<long>(connection, "SELECT count(*) FROM index_generations"));
        Assert.Equal("live", Scalar<string>(connection, "SELECT state FROM index_generations"));
        Assert.Equal(Embedder.ModelId, Scalar<string>(connection, "SELECT embedding_model FROM index_generations"));
    }

    [Fact]
    public async Task InitializeAsync_SchemaScriptRunAgain_ChangesNothing()
    {
        await PutAsync(TenantA, "doc", ["Idempotent schema text."]);
        await OpenStore().InitializeAsync(Configuration, Ct);
        await OpenStore().InitializeAsync(Configuration, Ct);

        using var connection = OpenRaw();
        Execute(connection, Schema.Create);
        Execute(connection, Schema.Create);

        Assert.Equal(1, Scalar<long>(connection, "SELECT count(*) FROM index_generations"));
        Assert.Equal(2, Scalar<long>(connection, "SELECT count(*) FROM schema_info"));
        Assert.Equal(1, Scalar<long>(connection, "SELECT count(*) FROM documents"));
        Assert.Equal(1, Scalar<long>(connection, "SELECT count(*) FROM chunks_fts"));
        Assert.Equal("doc", Assert.Single(await LexicalAsync("idempotent", SearchFilter.ForTenant(TenantA))).Chunk.DocumentId);
    }

    [Fact]
    public async Task InitializeAsync_NewerSchemaVersionOnDisk_ThrowsInvalidOperationException()
    {
        using (var connection = OpenRaw())
        {
            Execute(connection, "UPDATE schema_info SET value = '99' WHERE key = 'schema_version'");
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenStore().InitializeAsync(Configuration, Ct));

        Assert.Contains("99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_ReopenedFromDiskAfterDispose_ServesTheSameData()
    {
        await AddFillersAsync(TenantA, 3);
        string[] texts = ["Lighthouse lamps were once fuelled by whale oil.", "Modern lighthouses use LED beacons."];
        var written = await PutAsync(TenantA, "lights", texts, Meta(("topic", "maritime")));
        ((SqliteIndexStore)Store).Dispose();
        SqliteConnection.ClearAllPools();

        var reopened = OpenStore();
        var generation = await reopened.InitializeAsync(Configuration, Ct);

        Assert.Equal(Generation.Id, generation.Id);
        var document = await reopened.GetDocumentAsync(TenantA, "lights", Ct);
        Assert.NotNull(document);
        Assert.Equal(written.ContentHash, document.ContentHash);
        Assert.Equal(written.CreatedAt, document.CreatedAt);
        Assert.Equal("maritime", document.Metadata["topic"]);
        Assert.Equal(string.Join("\n\n", texts), await reopened.GetDocumentTextAsync(TenantA, "lights", Ct));
        var stats = await reopened.GetStatisticsAsync(TenantA, Ct);
        Assert.Equal(4, stats.Documents);
        Assert.Equal(5, stats.Chunks);

        var lexical = await reopened.SearchLexicalAsync("whale oil lamps", SearchFilter.ForTenant(TenantA), 10, Ct);
        Assert.Equal(IndexedChunk.MakeId("lights", 0), lexical[0].Chunk.Id);
        var dense = await reopened.SearchDenseAsync(Embedder.Embed(texts[1]), SearchFilter.ForTenant(TenantA), 1, Ct);
        Assert.Equal(IndexedChunk.MakeId("lights", 1), dense[0].Chunk.Id);
        Assert.Equal(1.0, dense[0].Score, 4);
    }

    [Fact]
    public async Task SearchDenseAsync_WriteFromSecondStoreOnSameFile_ReloadsVectorSegment()
    {
        const string first = "Glacier melt feeds the river in early summer.";
        const string second = "Volcanic soil makes the vineyard unusually fertile.";
        const string replacement = "Desert caravans travelled at night to avoid the heat.";
        await PutAsync(TenantA, "first", [first]);
        var reader = Store;
        var writer = OpenStore();
        await writer.InitializeAsync(Configuration, Ct);

        Assert.Equal("first", (await reader.SearchDenseAsync(Embedder.Embed(second), SearchFilter.ForTenant(TenantA), 10, Ct)).Single().Chunk.DocumentId);

        await writer.UpsertDocumentAsync(NewDocument(TenantA, "second"), second, MakeChunks(second), Ct);
        var afterAdd = await reader.SearchDenseAsync(Embedder.Embed(second), SearchFilter.ForTenant(TenantA), 10, Ct);
        Assert.Equal(2, afterAdd.Count);
        Assert.Equal("second", afterAdd[0].Chunk.DocumentId);
        Assert.Equal(1.0, afterAdd[0].Score, 4);

        await writer.UpsertDocumentAsync(NewDocument(TenantA, "second"), replacement, MakeChunks(replacement), Ct);
        var afterReplace = await reader.SearchDenseAsync(Embedder.Embed(second), SearchFilter.ForTenant(TenantA), 10, Ct);
        Assert.DoesNotContain(afterReplace, r => r.Chunk.Text == second);
        Assert.Equal(replacement, (await reader.SearchDenseAsync(Embedder.Embed(replacement), SearchFilter.ForTenant(TenantA), 1, Ct))[0].Chunk.Text);

        Assert.True(await writer.DeleteDocumentAsync(TenantA, "first", Ct));
        var afterDelete = await reader.SearchDenseAsync(Embedder.Embed(first), SearchFilter.ForTenant(TenantA), 10, Ct);
        Assert.Equal("second", Assert.Single(afterDelete).Chunk.DocumentId);
    }

    [Fact]
    public async Task SearchDenseAsync_WriteInAnotherTenant_DoesNotLeakIntoCachedSegment()
    {
        await PutAsync(TenantA, "a", ["Tenant A text about tidal energy."]);
        Assert.Single(await DenseAsync("tidal energy", SearchFilter.ForTenant(TenantA)));

        await PutAsync(TenantB, "b", ["Tenant B text about tidal energy."]);

        Assert.Equal("Tenant A text about tidal energy.", Assert.Single(await DenseAsync("tidal energy", SearchFilter.ForTenant(TenantA))).Chunk.Text);
        Assert.Equal("Tenant B text about tidal energy.", Assert.Single(await DenseAsync("tidal energy", SearchFilter.ForTenant(TenantB))).Chunk.Text);
    }

    [Fact]
    public async Task Writes_ReplaceDeleteAndFailedWrites_LeaveNoOrphanRows()
    {
        await AddFillersAsync(TenantA, 3);
        await PutAsync(TenantA, "doc", ["One.", "Two.", "Three.", "Four."]);
        await PutAsync(TenantA, "doc", ["Five.", "Six."]);
        await PutAsync(TenantB, "doc", ["Other tenant."]);
        var broken = MakeChunks("Seven.", "Eight.", "Nine.").ToList();
        broken[2] = broken[2] with { Embedding = new float[3] };
        await Assert.ThrowsAnyAsync<Exception>(() => Store.UpsertDocumentAsync(NewDocument(TenantA, "doc"), "x", broken, Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => Store.UpsertDocumentAsync(NewDocument(TenantA, "new"), "x", broken, Ct));
        await Store.DeleteDocumentAsync(TenantA, "filler-01", Ct);

        using var connection = OpenRaw();

        Assert.Equal(2 + 2 + 1, Scalar<long>(connection, "SELECT count(*) FROM chunks"));
        var chunkIds = Query(connection, "SELECT id FROM chunks ORDER BY id").Select(r => (long)r[0]).ToList();
        Assert.Equal(chunkIds, Query(connection, "SELECT rowid FROM chunks_fts ORDER BY rowid").Select(r => (long)r[0]));
        Assert.Equal(chunkIds, Query(connection, "SELECT chunk_id FROM chunk_content ORDER BY chunk_id").Select(r => (long)r[0]));
        Assert.Equal(chunkIds, Query(connection, "SELECT chunk_id FROM chunk_vectors ORDER BY chunk_id").Select(r => (long)r[0]));
        Assert.Equal(0, Scalar<long>(connection, """
            SELECT count(*) FROM chunks c
            WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.tenant_id = c.tenant_id AND d.id = c.document_id)
            """));
        Assert.Equal(0, Scalar<long>(connection, "SELECT count(*) FROM documents WHERE id = 'new'"));
        Assert.Equal(0, Scalar<long>(connection, "SELECT count(*) FROM chunks WHERE document_id = 'filler-01'"));
        Assert.Equal(
            Query(connection, "SELECT tenant_id || '/' || id, chunk_count FROM documents ORDER BY 1").Select(r => ((string)r[0], (long)r[1])),
            Query(connection, "SELECT tenant_id || '/' || document_id, count(*) FROM chunks GROUP BY 1 ORDER BY 1").Select(r => ((string)r[0], (long)r[1])));
    }

    [Fact]
    public async Task Writes_ParentsReplacedRefusedAndDeleted_LeaveExactlyTheLiveParentRows()
    {
        static DocumentWrite Write(DocumentRecord document, string text, IReadOnlyList<ChunkRecord> chunks, long? version, params string[] parents) =>
            new(document with { SourceVersion = version }, text, chunks.Select(c => c with { Parent = c.Ordinal % parents.Length, Page = c.Ordinal + 1 }).ToList())
            {
                Parents = parents,
            };

        var document = NewDocument(TenantA, "doc");
        await Store.UpsertDocumentAsync(Write(document, "One. Two. Three.", MakeChunks("One.", "Two.", "Three."), 2, "P1", "P2", "P3"), Ct);
        await Store.UpsertDocumentAsync(Write(document, "Four. Five.", MakeChunks("Four.", "Five."), 3, "Q1", "Q2"), Ct);
        var refused = await Store.UpsertDocumentAsync(Write(document, "Six.", MakeChunks("Six."), 1, "R1"), Ct);
        await Store.UpsertDocumentAsync(Write(NewDocument(TenantB, "doc"), "Other.", MakeChunks("Other."), null, "B1"), Ct);

        using (var connection = OpenRaw())
        {
            Assert.False(refused.Applied);
            Assert.Equal(["tenant-a/0/Q1", "tenant-a/1/Q2", "tenant-b/0/B1"],
                Query(connection, "SELECT tenant_id || '/' || ordinal || '/' || text FROM chunk_parents ORDER BY 1").Select(r => (string)r[0]));
            Assert.Equal([(1L, 0L), (2L, 1L)],
                Query(connection, "SELECT page, parent_ordinal FROM chunks WHERE tenant_id = 'tenant-a' ORDER BY ordinal").Select(r => ((long)r[0], (long)r[1])));
            Assert.Equal(3L, Scalar<long>(connection, "SELECT source_version FROM documents WHERE tenant_id = 'tenant-a'"));
        }

        Assert.True(await Store.DeleteDocumentAsync(TenantA, "doc", Ct));

        using (var connection = OpenRaw())
        {
            Assert.Equal(["tenant-b"], Query(connection, "SELECT DISTINCT tenant_id FROM chunk_parents").Select(r => (string)r[0]));
        }
    }

    [Fact]
    public async Task UpsertDocumentAsync_Vectors_StoredAsFloat32BlobsOfTheIndexDimensions()
    {
        await PutAsync(TenantA, "doc", ["First.", "Second."]);

        using var connection = OpenRaw();

        Assert.Equal([Embedder.Dimensions * 4L], Query(connection, "SELECT DISTINCT length(embedding) FROM chunk_vectors").Select(r => (long)r[0]));
    }

    [Fact]
    public async Task SearchLexicalAsync_InflectedQueryWord_MatchesThroughPorterStemming()
    {
        await AddFillersAsync(TenantA, 4);
        await PutAsync(TenantA, "birds", ["Swallows migrate south before the first frost."]);

        var results = await LexicalAsync("migrating swallow", SearchFilter.ForTenant(TenantA));

        Assert.Equal("birds", Assert.Single(results).Chunk.DocumentId);
    }

    [Fact]
    public async Task UpsertDocumentAsync_TwoStoreInstancesWritingConcurrently_AllWritesLand()
    {
        var other = OpenStore();
        await other.InitializeAsync(Configuration, Ct);

        var writes = Enumerable.Range(0, 20).Select(i =>
        {
            var store = i % 2 == 0 ? Store : other;
            var text = $"Concurrent document {i} about kestrels.";
            return Task.Run(() => store.UpsertDocumentAsync(NewDocument(TenantA, $"c-{i:00}"), text, MakeChunks(text), Ct));
        });
        await Task.WhenAll(writes);

        var stats = await Store.GetStatisticsAsync(TenantA, Ct);
        Assert.Equal(20, stats.Documents);
        Assert.Equal(20, stats.Chunks);
        Assert.Equal(20, (await DenseAsync("kestrels", SearchFilter.ForTenant(TenantA), limit: 50)).Count);
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<object[]> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }
}
