using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Verity.Core;
using Verity.Core.Model;
using Verity.Core.Security;

namespace Verity.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with documents, chunks, an FTS5 index (BM25) and the chunk
/// vectors as BLOBs, searched exactly with SIMD. Tenant and metadata filters are part of every SQL statement, and
/// the vector scan only ever touches the requesting tenant's segment.
/// </summary>
public sealed partial class SqliteIndexStore : IIndexStore, IDisposable
{
    private const int MaxCachedPermissionSets = 256;

    private static readonly JsonSerializerOptions Json = new();

    private readonly ILogger<SqliteIndexStore> _logger;
    private readonly SqliteDatabase _database;
    private readonly ConcurrentDictionary<string, VectorSegment> _segments = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _segmentLoad = new(1, 1);
    private readonly ConcurrentDictionary<string, (long Counter, HashSet<long> Chunks)> _allowed = new(StringComparer.Ordinal);
    private IndexGeneration? _live;

    public SqliteIndexStore(SqliteStoreOptions options, ILogger<SqliteIndexStore> logger)
    {
        _logger = logger;
        _database = new SqliteDatabase(options);
    }

    public string Path => _database.Path;

    private IndexGeneration Live => _live
        ?? throw new InvalidOperationException("The store is not initialised; call InitializeAsync first.");

    public async Task<IndexGeneration> InitializeAsync(IndexConfiguration configuration, CancellationToken cancellationToken)
    {
        await using var connection = await OpenForInitializationAsync(cancellationToken).ConfigureAwait(false);
        await _database.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (await Schema.EnsureAsync(connection, Path, cancellationToken).ConfigureAwait(false) is { } from)
            {
                Log.SchemaMigrated(_logger, Path, from, Schema.Version);
            }

            var live = await ReadLiveGenerationAsync(connection, cancellationToken).ConfigureAwait(false);
            if (live is null)
            {
                await using var insert = connection.CreateCommand();
                insert.CommandText = """
                    INSERT INTO index_generations(embedding_model, dimensions, chunker_version, state, created_at)
                    VALUES ($model, $dimensions, $chunker, 'live', $now)
                    """;
                insert.Parameters.AddWithValue("$model", configuration.EmbeddingModel);
                insert.Parameters.AddWithValue("$dimensions", configuration.Dimensions);
                insert.Parameters.AddWithValue("$chunker", configuration.ChunkerVersion);
                insert.Parameters.AddWithValue("$now", Timestamp(DateTimeOffset.UtcNow));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                live = await ReadLiveGenerationAsync(connection, cancellationToken).ConfigureAwait(false);
                Log.GenerationCreated(_logger, live!.Id, configuration.EmbeddingModel, configuration.Dimensions);
            }
            else if (live.EmbeddingModel != configuration.EmbeddingModel || live.Dimensions != configuration.Dimensions)
            {
                throw new InvalidOperationException(
                    $"The index at {Path} was built with the embedding model '{live.EmbeddingModel}' ({live.Dimensions} dimensions), " +
                    $"but '{configuration.EmbeddingModel}' ({configuration.Dimensions} dimensions) is configured. " +
                    "Vectors of different models cannot be compared: use a new data directory or re-index.");
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _live = live;
            Log.StoreOpened(_logger, Path, live.Id);
            return live;
        }
        catch (SqliteException e)
        {
            throw Translate(e, "open the index");
        }
        finally
        {
            _database.WriteGate.Release();
        }
    }

    public Task<DocumentRecord?> GetDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken) =>
        GetDocumentCoreAsync(tenantId, documentId, null, cancellationToken);

    public Task<DocumentRecord?> GetDocumentAsync(
        string tenantId, string documentId, IReadOnlyCollection<string> principals, CancellationToken cancellationToken) =>
        GetDocumentCoreAsync(tenantId, documentId, principals, cancellationToken);

    public Task<string?> GetDocumentTextAsync(string tenantId, string documentId, CancellationToken cancellationToken) =>
        GetDocumentTextCoreAsync(tenantId, documentId, null, cancellationToken);

    public Task<string?> GetDocumentTextAsync(
        string tenantId, string documentId, IReadOnlyCollection<string> principals, CancellationToken cancellationToken) =>
        GetDocumentTextCoreAsync(tenantId, documentId, principals, cancellationToken);

    private async Task<DocumentRecord?> GetDocumentCoreAsync(
        string tenantId, string documentId, IReadOnlyCollection<string>? principals, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadDocumentAsync(connection, tenantId, documentId, principals, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<DocumentRecord?> ReadDocumentAsync(
        SqliteConnection connection, string tenantId, string documentId, IReadOnlyCollection<string>? principals,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var acl = principals is null ? "" : " AND " + SqlFilter.Acl("d", command, principals);
        command.CommandText = $"SELECT {DocumentColumns} FROM documents d WHERE d.tenant_id = $tenant AND d.id = $id{acl}";
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$id", documentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadDocument(reader) : null;
    }

    private async Task<string?> GetDocumentTextCoreAsync(
        string tenantId, string documentId, IReadOnlyCollection<string>? principals, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var acl = principals is null ? "" : " AND " + SqlFilter.Acl("d", command, principals);
        command.CommandText = $"""
            SELECT b.body FROM documents d
            JOIN document_bodies b ON b.tenant_id = d.tenant_id AND b.document_id = d.id
            WHERE d.tenant_id = $tenant AND d.id = $id{acl}
            """;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$id", documentId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task<DocumentPage> ListDocumentsAsync(DocumentListQuery query, CancellationToken cancellationToken)
    {
        if (query.Limit < 1)
        {
            throw new InvalidRequestException("The page size must be at least 1.", "limit");
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {DocumentColumns} FROM documents d WHERE d.tenant_id = $tenant");
        command.Parameters.AddWithValue("$tenant", query.TenantId);
        if (query.Source is not null)
        {
            sql.Append(" AND d.source = $source");
            command.Parameters.AddWithValue("$source", query.Source);
        }

        if (query.After is not null)
        {
            sql.Append(" AND d.id > $after");
            command.Parameters.AddWithValue("$after", DecodeCursor(query.After));
        }

        if (query.Principals is { } principals)
        {
            sql.Append(" AND ").Append(SqlFilter.Acl("d", command, principals));
        }

        sql.Append(" ORDER BY d.id LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.CommandText = sql.ToString();

        var documents = new List<DocumentRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            documents.Add(ReadDocument(reader));
        }

        string? next = null;
        if (documents.Count > query.Limit)
        {
            documents.RemoveAt(documents.Count - 1);
            next = EncodeCursor(documents[^1].Id);
        }

        return new DocumentPage(documents, next);
    }

    public async Task<IReadOnlyDictionary<string, DocumentFingerprint>> GetFingerprintsAsync(
        string tenantId, string source, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, content_hash, chunker_version, embedding_model FROM documents
            WHERE tenant_id = $tenant AND source = $source
            """;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$source", source);
        var result = new Dictionary<string, DocumentFingerprint>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetString(0)] = new DocumentFingerprint(reader.GetString(1), reader.GetString(2), reader.GetString(3));
        }

        return result;
    }

    public async Task<IndexStatistics> GetStatisticsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var live = Live;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM documents WHERE tenant_id = $tenant),
                   (SELECT count(*) FROM chunks WHERE tenant_id = $tenant AND generation = $generation),
                   coalesce((SELECT changed_at FROM index_versions WHERE tenant_id = $tenant),
                            (SELECT max(updated_at) FROM documents WHERE tenant_id = $tenant))
            """;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$generation", live.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset? last = reader.IsDBNull(2) ? null : ParseTimestamp(reader.GetString(2));
        return new IndexStatistics(reader.GetInt32(0), reader.GetInt32(1), live, last);
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        _ = Live;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ScalarAsync<long>(connection, "SELECT count(*) FROM index_generations WHERE state = 'live'", cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _segmentLoad.Dispose();
        _database.ClearPool();
    }

    private const string DocumentColumns = """
        d.tenant_id, d.id, d.title, d.uri, d.source, d.media_type, d.content_hash, d.metadata, d.chunker_version,
        d.embedding_model, d.version, d.chunk_count, d.text_length, d.created_at, d.updated_at, d.acl_public,
        (SELECT json_group_array(principal) FROM document_principals p WHERE p.tenant_id = d.tenant_id AND p.document_id = d.id),
        d.source_version
        """;

    // A chunk as a result: needs chunks c, chunk_content cc, documents d and ChunkParentJoin (cp).
    private const string ChunkColumns = "c.id, c.document_id, c.ordinal, cc.text, cc.heading_path, d.title, d.uri, c.page, cp.text";

    private const int ChunkColumnCount = 9;

    private const string ChunkParentJoin = """
        LEFT JOIN chunk_parents cp ON cp.tenant_id = c.tenant_id AND cp.document_id = c.document_id
            AND cp.generation = c.generation AND cp.ordinal = c.parent_ordinal
        """;

    private static DocumentRecord ReadDocument(SqliteDataReader reader) => new()
    {
        TenantId = reader.GetString(0),
        Id = reader.GetString(1),
        Title = reader.GetString(2),
        Uri = reader.IsDBNull(3) ? null : reader.GetString(3),
        Source = reader.GetString(4),
        MediaType = reader.GetString(5),
        ContentHash = reader.GetString(6),
        Metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(7), Json) ?? [],
        ChunkerVersion = reader.GetString(8),
        EmbeddingModel = reader.GetString(9),
        Version = reader.GetInt64(10),
        ChunkCount = reader.GetInt32(11),
        TextLength = reader.GetInt64(12),
        CreatedAt = ParseTimestamp(reader.GetString(13)),
        UpdatedAt = ParseTimestamp(reader.GetString(14)),
        Acl = ReadAcl(reader.GetInt64(15) == 1, reader.GetString(16)),
        SourceVersion = reader.IsDBNull(17) ? null : reader.GetInt64(17),
    };

    private static DocumentAcl ReadAcl(bool isPublic, string principalsJson)
    {
        if (isPublic)
        {
            return DocumentAcl.Public;
        }

        var principals = JsonSerializer.Deserialize<string[]>(principalsJson, Json) ?? [];
        string[] Of(string prefix) => principals.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p[prefix.Length..]).Order(StringComparer.Ordinal).ToArray();
        return new DocumentAcl { IsPublic = false, Users = Of("user:"), Groups = Of("group:"), Roles = Of("role:") };
    }

    private static IndexedChunk ReadChunk(SqliteDataReader reader) => new()
    {
        Id = IndexedChunk.MakeId(reader.GetString(1), reader.GetInt32(2)),
        DocumentId = reader.GetString(1),
        Ordinal = reader.GetInt32(2),
        Text = reader.GetString(3),
        HeadingPath = reader.GetString(4),
        DocumentTitle = reader.GetString(5),
        DocumentUri = reader.IsDBNull(6) ? null : reader.GetString(6),
        Page = reader.IsDBNull(7) ? null : reader.GetInt32(7),
        ParentText = reader.IsDBNull(8) ? null : reader.GetString(8),
    };

    private static async Task<IndexGeneration?> ReadLiveGenerationAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, embedding_model, dimensions, chunker_version, created_at FROM index_generations WHERE state = 'live'
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new IndexGeneration(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                IndexGenerationState.Live, ParseTimestamp(reader.GetString(4)))
            : null;
    }

    private static async Task<long> ChangeCounterAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        long.Parse(
            (await ScalarAsync<string>(connection, "SELECT value FROM schema_info WHERE key = 'change_counter'", cancellationToken).ConfigureAwait(false))!,
            CultureInfo.InvariantCulture);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Translate(e, "open the database");
        }
    }

    private async Task<SqliteConnection> OpenForInitializationAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _database.OpenForInitializationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Translate(e, "open the index");
        }
    }

    private static Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(connection, sql, cancellationToken);

    private static Task<T?> ScalarAsync<T>(SqliteConnection connection, string sql, CancellationToken cancellationToken) =>
        Sql.ScalarAsync<T>(connection, sql, cancellationToken);

    private StoreUnavailableException Translate(SqliteException e, string operation)
    {
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another writer held the lock past the timeout; retrying may work.
        var transient = e.SqliteErrorCode is 5 or 6;
        Log.StoreError(_logger, operation, e.SqliteErrorCode, e);
        return new StoreUnavailableException($"The index store could not {operation}.", transient, e);
    }

    private static string Timestamp(DateTimeOffset value) => Sql.Timestamp(value);

    private static DateTimeOffset ParseTimestamp(string value) => Sql.ParseTimestamp(value);

    private static string EncodeCursor(string id) => Convert.ToBase64String(Encoding.UTF8.GetBytes(id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeCursor(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            return Encoding.UTF8.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            throw new InvalidRequestException("The page cursor is invalid.", "after");
        }
    }
}
