using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Embeddings;
using Verity.Core.Jobs;
using Verity.Core.Model;

namespace Verity.Sqlite.Tests;

/// <summary>A database written by an earlier release (schema version 2, 3 or 4) opens in place: its data stays readable
/// and the columns and tables of the current version work on it.</summary>
public sealed partial class SqliteSchemaMigrationTests : IDisposable
{
    // The schema of version 2 as it shipped (comments dropped): the starting point of the migration.
    private const string SchemaVersion2 = """
        CREATE TABLE IF NOT EXISTS schema_info (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS index_generations (
            id              INTEGER PRIMARY KEY,
            embedding_model TEXT NOT NULL,
            dimensions      INTEGER NOT NULL,
            chunker_version TEXT NOT NULL,
            state           TEXT NOT NULL CHECK (state IN ('building', 'live', 'retired')),
            created_at      TEXT NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS index_generations_one_live ON index_generations(state) WHERE state = 'live';

        CREATE TABLE IF NOT EXISTS documents (
            tenant_id       TEXT NOT NULL,
            id              TEXT NOT NULL,
            title           TEXT NOT NULL,
            uri             TEXT,
            source          TEXT NOT NULL,
            media_type      TEXT NOT NULL,
            content_hash    TEXT NOT NULL,
            metadata        TEXT NOT NULL DEFAULT '{}',
            acl_public      INTEGER NOT NULL DEFAULT 1,
            chunker_version TEXT NOT NULL,
            embedding_model TEXT NOT NULL,
            version         INTEGER NOT NULL,
            chunk_count     INTEGER NOT NULL,
            text_length     INTEGER NOT NULL,
            created_at      TEXT NOT NULL,
            updated_at      TEXT NOT NULL,
            PRIMARY KEY (tenant_id, id)
        );
        CREATE INDEX IF NOT EXISTS documents_by_source ON documents(tenant_id, source);

        CREATE TABLE IF NOT EXISTS document_principals (
            tenant_id   TEXT NOT NULL,
            document_id TEXT NOT NULL,
            principal   TEXT NOT NULL,
            PRIMARY KEY (tenant_id, document_id, principal),
            FOREIGN KEY (tenant_id, document_id) REFERENCES documents(tenant_id, id) ON DELETE CASCADE
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS document_bodies (
            tenant_id   TEXT NOT NULL,
            document_id TEXT NOT NULL,
            body        TEXT NOT NULL,
            PRIMARY KEY (tenant_id, document_id),
            FOREIGN KEY (tenant_id, document_id) REFERENCES documents(tenant_id, id) ON DELETE CASCADE
        );

        CREATE TABLE IF NOT EXISTS chunks (
            id              INTEGER PRIMARY KEY,
            tenant_id       TEXT NOT NULL,
            document_id     TEXT NOT NULL,
            generation      INTEGER NOT NULL REFERENCES index_generations(id),
            ordinal         INTEGER NOT NULL,
            token_count     INTEGER NOT NULL,
            chunker_version TEXT NOT NULL,
            embedding_model TEXT NOT NULL,
            FOREIGN KEY (tenant_id, document_id) REFERENCES documents(tenant_id, id) ON DELETE CASCADE,
            UNIQUE (tenant_id, document_id, generation, ordinal)
        );
        CREATE INDEX IF NOT EXISTS chunks_by_tenant ON chunks(tenant_id, generation);

        CREATE TABLE IF NOT EXISTS chunk_content (
            chunk_id     INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            text         TEXT NOT NULL,
            heading_path TEXT NOT NULL
        );

        CREATE TABLE IF NOT EXISTS chunk_vectors (
            chunk_id  INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
            embedding BLOB NOT NULL
        );

        CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(title, heading, body, tokenize = 'porter unicode61');

        CREATE TABLE IF NOT EXISTS audit_log (
            id          INTEGER PRIMARY KEY,
            tenant_id   TEXT NOT NULL,
            user_id     TEXT NOT NULL,
            at          TEXT NOT NULL,
            action      TEXT NOT NULL,
            query       TEXT,
            chunk_ids   TEXT NOT NULL DEFAULT '[]',
            answer_hash TEXT,
            document_id TEXT,
            latency_ms  REAL NOT NULL,
            outcome     TEXT NOT NULL,
            status_code INTEGER NOT NULL,
            guardrails  TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX IF NOT EXISTS audit_log_by_tenant_time ON audit_log(tenant_id, at);
        CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_log_no_replace BEFORE INSERT ON audit_log
        WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

        CREATE TABLE IF NOT EXISTS api_keys (
            id           TEXT PRIMARY KEY,
            tenant_id    TEXT NOT NULL,
            name         TEXT NOT NULL,
            groups       TEXT NOT NULL DEFAULT '[]',
            roles        TEXT NOT NULL DEFAULT '[]',
            secret_hash  BLOB NOT NULL CHECK (length(secret_hash) = 32),
            created_at   TEXT NOT NULL,
            created_by   TEXT NOT NULL,
            last_used_at TEXT,
            revoked_at   TEXT
        );
        CREATE INDEX IF NOT EXISTS api_keys_by_tenant ON api_keys(tenant_id, created_at);

        INSERT OR IGNORE INTO schema_info(key, value) VALUES ('schema_version', '2');
        INSERT OR IGNORE INTO schema_info(key, value) VALUES ('change_counter', '0');
        """;

    private const string ChunkerVersion = "recursive-v1/400/60";
    private const string LegacyText = "Harbour seals rest on sandbanks at low tide.";

    private readonly TempDirectory _directory = new();
    private readonly HashingEmbeddingGenerator _embedder = new();

    private string DatabasePath => _directory.Combine("verity.db");

    private IndexConfiguration Configuration => new(_embedder.ModelId, _embedder.Dimensions, ChunkerVersion);

    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose()
    {
        _embedder.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task InitializeAsync_VersionTwoDatabase_MigratesInPlaceAndKeepsTheData()
    {
        CreateVersionTwoDatabase();
        using var store = OpenStore();

        await store.InitializeAsync(Configuration, Ct);

        var document = await store.GetDocumentAsync("default", "seals", Ct);
        Assert.NotNull(document);
        Assert.Equal("Seals", document.Title);
        Assert.Equal("platform", document.Metadata["team"]);
        Assert.Null(document.SourceVersion);
        Assert.Equal(LegacyText, await store.GetDocumentTextAsync("default", "seals", Ct));
        var lexical = Assert.Single(await store.SearchLexicalAsync("harbour seals", SearchFilter.ForTenant("default"), 10, Ct)).Chunk;
        Assert.Equal(LegacyText, lexical.Text);
        Assert.Null(lexical.Page);
        Assert.Null(lexical.ParentText);
        var dense = (await store.SearchDenseAsync(_embedder.Embed(LegacyText), SearchFilter.ForTenant("default"), 1, Ct))[0];
        Assert.Equal(IndexedChunk.MakeId("seals", 0), dense.Chunk.Id);
        Assert.Equal(1.0, dense.Score, 4);
        var version = await store.GetIndexVersionAsync("default", Ct);
        Assert.Equal((1, 0L), (version.Generation, version.Changes));
        using var connection = OpenRaw();
        Assert.Equal("5", Scalar(connection, "SELECT value FROM schema_info WHERE key = 'schema_version'"));
        Assert.Equal("1", Scalar(connection, "SELECT count(*) FROM index_generations"));
    }

    [Fact]
    public async Task InitializeAsync_MigratedDatabase_StoresVersionsPagesParentsAndJobs()
    {
        CreateVersionTwoDatabase();
        using var store = OpenStore();
        await store.InitializeAsync(Configuration, Ct);
        var existing = (await store.GetDocumentAsync("default", "seals", Ct))!;
        const string text = "Grey seals pup in autumn on remote beaches.";
        var chunk = new ChunkRecord(0, text, "", 8, _embedder.Embed(text)) { Page = 2, Parent = 0 };

        var write = await store.UpsertDocumentAsync(
            new DocumentWrite(existing with { SourceVersion = 7 }, text, [chunk]) { Parents = ["The whole passage on grey seals."] }, Ct);
        var stale = await store.UpsertDocumentAsync(new DocumentWrite(existing with { SourceVersion = 6 }, LegacyText, []), Ct);

        Assert.True(write.Applied);
        Assert.Equal(2, write.Document.Version);
        Assert.False(stale.Applied);
        Assert.Equal(7, (await store.GetDocumentAsync("default", "seals", Ct))!.SourceVersion);
        var hit = Assert.Single(await store.SearchLexicalAsync("grey seals", SearchFilter.ForTenant("default"), 10, Ct)).Chunk;
        Assert.Equal(2, hit.Page);
        Assert.Equal("The whole passage on grey seals.", hit.ParentText);

        using var jobs = new SqliteIngestJobStore(new SqliteStoreOptions { Path = DatabasePath }, NullLogger<SqliteIngestJobStore>.Instance);
        var job = await jobs.CreateJobAsync(
            new NewIngestJob { TenantId = "default", Kind = "upload", Source = "api" }, [new NewJobItem { DocumentId = "seals" }], null, Ct);
        Assert.Equal(1, await jobs.CountQueuedItemsAsync("default", Ct));
        Assert.Equal(job.Id, (await jobs.GetJobAsync("default", job.Id, Ct))!.Id);
    }

    [Fact]
    public async Task InitializeAsync_MigratedTwiceOrReopened_IsIdempotent()
    {
        CreateVersionTwoDatabase();
        using (var first = OpenStore())
        {
            await first.InitializeAsync(Configuration, Ct);
        }

        SqliteConnection.ClearAllPools();
        using var second = OpenStore();
        await second.InitializeAsync(Configuration, Ct);

        Assert.Equal(1, (await second.GetStatisticsAsync("default", Ct)).Documents);
        using var connection = OpenRaw();
        Assert.Equal("5", Scalar(connection, "SELECT value FROM schema_info WHERE key = 'schema_version'"));
        Assert.Equal("1", Scalar(connection, "SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'source_version'"));
        Assert.Equal("2", Scalar(connection, "SELECT count(*) FROM pragma_table_info('chunks') WHERE name IN ('page', 'parent_ordinal')"));
        Assert.Equal("5", Scalar(connection, "SELECT count(*) FROM pragma_table_info('audit_log') WHERE name IN ('trace_id', 'generator', 'degraded', 'cached', 'api_key_id')"));
        Assert.Equal("2", Scalar(connection, "SELECT count(*) FROM pragma_table_info('ingest_jobs') WHERE name IN ('trace_parent', 'trace_state')"));
    }

    [Fact]
    public async Task InitializeAsync_VersionThreeDatabase_AddsIndexVersionsThatCountFromZero()
    {
        using (var current = OpenStore())
        {
            await current.InitializeAsync(Configuration, Ct);
            await current.UpsertDocumentAsync(Document("seals", LegacyText), LegacyText, [Chunk(LegacyText)], Ct);
        }

        SqliteConnection.ClearAllPools();
        using (var connection = OpenRaw())
        {
            // What version 3 left on disk: the same tables, less index_versions and the columns of version 5.
            Execute(connection, "DROP TABLE index_versions; UPDATE schema_info SET value = '3' WHERE key = 'schema_version';" + Version5Columns.Drop);
        }

        using var store = OpenStore();
        await store.InitializeAsync(Configuration, Ct);

        var before = await store.GetIndexVersionAsync("default", Ct);
        Assert.Equal(0, before.Changes);
        Assert.Equal(LegacyText, await store.GetDocumentTextAsync("default", "seals", Ct));
        Assert.True(await store.DeleteDocumentAsync("default", "seals", Ct));
        Assert.True((await store.GetIndexVersionAsync("default", Ct)).Changes > before.Changes);
        using var raw = OpenRaw();
        Assert.Equal("5", Scalar(raw, "SELECT value FROM schema_info WHERE key = 'schema_version'"));
        Assert.Equal("1", Scalar(raw, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'index_versions'"));
    }

    [Fact]
    public async Task JobStore_FirstToOpenTheFile_CreatesTheSchemaTheIndexThenUses()
    {
        using (var jobs = new SqliteIngestJobStore(new SqliteStoreOptions { Path = _directory.Combine("new", "verity.db") }, NullLogger<SqliteIngestJobStore>.Instance))
        {
            Assert.Equal(0, await jobs.CountQueuedItemsAsync(null, Ct));
        }

        using var store = new SqliteIndexStore(
            new SqliteStoreOptions { Path = _directory.Combine("new", "verity.db") }, NullLogger<SqliteIndexStore>.Instance);
        var generation = await store.InitializeAsync(Configuration, Ct);

        Assert.Equal(_embedder.ModelId, generation.EmbeddingModel);
        Assert.Equal(0, (await store.GetStatisticsAsync("default", Ct)).Documents);
    }

    private DocumentRecord Document(string id, string text) => new()
    {
        TenantId = "default",
        Id = id,
        Title = "Seals",
        Source = "api",
        MediaType = "text/plain",
        ContentHash = "sha256:" + id,
        ChunkerVersion = ChunkerVersion,
        EmbeddingModel = _embedder.ModelId,
        ChunkCount = 1,
        TextLength = text.Length,
    };

    private ChunkRecord Chunk(string text) => new(0, text, "", 8, _embedder.Embed(text));

    private SqliteIndexStore OpenStore() =>
        new(new SqliteStoreOptions { Path = DatabasePath }, NullLogger<SqliteIndexStore>.Instance);

    /// <summary>What the previous release left on disk: its schema, one live generation, one document with a chunk.</summary>
    private void CreateVersionTwoDatabase()
    {
        using var connection = OpenRaw();
        Execute(connection, "PRAGMA journal_mode = WAL;");
        Execute(connection, SchemaVersion2);
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO index_generations(id, embedding_model, dimensions, chunker_version, state, created_at)
            VALUES (1, $model, $dimensions, $chunker, 'live', '2026-01-01T00:00:00.0000000Z');
            INSERT INTO documents(tenant_id, id, title, uri, source, media_type, content_hash, metadata, acl_public,
                chunker_version, embedding_model, version, chunk_count, text_length, created_at, updated_at)
            VALUES ('default', 'seals', 'Seals', NULL, 'api', 'text/plain', 'sha256:legacy', '{"team":"platform"}', 1,
                $chunker, $model, 1, 1, length($text), '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z');
            INSERT INTO document_bodies(tenant_id, document_id, body) VALUES ('default', 'seals', $text);
            INSERT INTO chunks(id, tenant_id, document_id, generation, ordinal, token_count, chunker_version, embedding_model)
            VALUES (1, 'default', 'seals', 1, 0, 8, $chunker, $model);
            INSERT INTO chunk_content(chunk_id, text, heading_path) VALUES (1, $text, '');
            INSERT INTO chunk_vectors(chunk_id, embedding) VALUES (1, $embedding);
            INSERT INTO chunks_fts(rowid, title, heading, body) VALUES (1, 'Seals', '', $text);
            """;
        command.Parameters.AddWithValue("$model", _embedder.ModelId);
        command.Parameters.AddWithValue("$dimensions", _embedder.Dimensions);
        command.Parameters.AddWithValue("$chunker", ChunkerVersion);
        command.Parameters.AddWithValue("$text", LegacyText);
        command.Parameters.AddWithValue("$embedding", System.Runtime.InteropServices.MemoryMarshal.AsBytes(_embedder.Embed(LegacyText).AsSpan()).ToArray());
        command.ExecuteNonQuery();
        Assert.Equal("2", Scalar(connection, "SELECT value FROM schema_info WHERE key = 'schema_version'"));
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

    private static string Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
