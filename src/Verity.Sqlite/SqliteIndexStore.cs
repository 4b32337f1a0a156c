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
public sealed class SqliteIndexStore : IIndexStore, IDisposable
{
    private const int MaxCachedPermissionSets = 256;

    private static readonly JsonSerializerOptions Json = new();

    private readonly SqliteStoreOptions _options;
    private readonly ILogger<SqliteIndexStore> _logger;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, VectorSegment> _segments = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _segmentLoad = new(1, 1);
    private readonly ConcurrentDictionary<string, (long Counter, HashSet<long> Chunks)> _allowed = new(StringComparer.Ordinal);
    private IndexGeneration? _live;

    public SqliteIndexStore(SqliteStoreOptions options, ILogger<SqliteIndexStore> logger)
    {
        _options = options;
        _logger = logger;
        var fullPath = System.IO.Path.GetFullPath(options.Path);
        Path = fullPath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = (int)options.BusyTimeout.TotalSeconds,
        }.ToString();
    }

    public string Path { get; }

    private IndexGeneration Live => _live
        ?? throw new InvalidOperationException("The store is not initialised; call InitializeAsync first.");

    public async Task<IndexGeneration> InitializeAsync(IndexConfiguration configuration, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, Schema.Create, cancellationToken).ConfigureAwait(false);
            var version = await ScalarAsync<string>(connection, "SELECT value FROM schema_info WHERE key = 'schema_version'", cancellationToken).ConfigureAwait(false);
            if (version != Schema.Version.ToString(CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException(
                    $"The database at {Path} has schema version {version}; this build understands version {Schema.Version}. " +
                    "Use a new data directory and ingest again (the index is rebuilt from the sources).");
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
            _writeLock.Release();
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

    public async Task<UpsertResult> UpsertDocumentAsync(DocumentWrite write, CancellationToken cancellationToken)
    {
        var (document, text, chunks) = (write.Document, write.Text, write.Chunks);
        var live = Live;
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var now = Timestamp(DateTimeOffset.UtcNow);

            await DeleteChunksAsync(connection, document.TenantId, document.Id, live.Id, cancellationToken).ConfigureAwait(false);

            await using (var upsert = connection.CreateCommand())
            {
                upsert.CommandText = """
                    INSERT INTO documents(tenant_id, id, title, uri, source, media_type, content_hash, metadata, acl_public,
                        chunker_version, embedding_model, version, chunk_count, text_length, created_at, updated_at)
                    VALUES ($tenant, $id, $title, $uri, $source, $media, $hash, $metadata, $public,
                        $chunker, $model, 1, $chunks, $length, $now, $now)
                    ON CONFLICT(tenant_id, id) DO UPDATE SET
                        title = excluded.title, uri = excluded.uri, source = excluded.source, media_type = excluded.media_type,
                        content_hash = excluded.content_hash, metadata = excluded.metadata, acl_public = excluded.acl_public,
                        chunker_version = excluded.chunker_version, embedding_model = excluded.embedding_model,
                        version = documents.version + 1, chunk_count = excluded.chunk_count,
                        text_length = excluded.text_length, updated_at = excluded.updated_at;
                    INSERT INTO document_bodies(tenant_id, document_id, body) VALUES ($tenant, $id, $body)
                    ON CONFLICT(tenant_id, document_id) DO UPDATE SET body = excluded.body;
                    DELETE FROM document_principals WHERE tenant_id = $tenant AND document_id = $id;
                    INSERT INTO document_principals(tenant_id, document_id, principal)
                    SELECT DISTINCT $tenant, $id, value FROM json_each($principals)
                    """;
                upsert.Parameters.AddWithValue("$tenant", document.TenantId);
                upsert.Parameters.AddWithValue("$id", document.Id);
                upsert.Parameters.AddWithValue("$title", document.Title);
                upsert.Parameters.AddWithValue("$uri", (object?)document.Uri ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$source", document.Source);
                upsert.Parameters.AddWithValue("$media", document.MediaType);
                upsert.Parameters.AddWithValue("$hash", document.ContentHash);
                upsert.Parameters.AddWithValue("$metadata", JsonSerializer.Serialize(document.Metadata, Json));
                upsert.Parameters.AddWithValue("$chunker", document.ChunkerVersion);
                upsert.Parameters.AddWithValue("$model", document.EmbeddingModel);
                upsert.Parameters.AddWithValue("$chunks", chunks.Count);
                upsert.Parameters.AddWithValue("$length", text.Length);
                upsert.Parameters.AddWithValue("$body", text);
                upsert.Parameters.AddWithValue("$public", document.Acl.IsPublic ? 1 : 0);
                upsert.Parameters.AddWithValue("$principals", JsonSerializer.Serialize(document.Acl.Principals));
                upsert.Parameters.AddWithValue("$now", now);
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await InsertChunksAsync(connection, document, chunks, live, cancellationToken).ConfigureAwait(false);
            await BumpChangeCounterAsync(connection, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new UpsertResult((await GetDocumentAsync(document.TenantId, document.Id, cancellationToken).ConfigureAwait(false))!, true);
        }
        catch (SqliteException e)
        {
            throw Translate(e, "write the document");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<bool> DeleteDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var fts = connection.CreateCommand())
            {
                fts.CommandText = """
                    DELETE FROM chunks_fts WHERE rowid IN
                        (SELECT id FROM chunks WHERE tenant_id = $tenant AND document_id = $id)
                    """;
                fts.Parameters.AddWithValue("$tenant", tenantId);
                fts.Parameters.AddWithValue("$id", documentId);
                await fts.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            int deleted;
            await using (var delete = connection.CreateCommand())
            {
                delete.CommandText = "DELETE FROM documents WHERE tenant_id = $tenant AND id = $id";
                delete.Parameters.AddWithValue("$tenant", tenantId);
                delete.Parameters.AddWithValue("$id", documentId);
                deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (deleted > 0)
            {
                await BumpChangeCounterAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return deleted > 0;
        }
        catch (SqliteException e)
        {
            throw Translate(e, "delete the document");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<IReadOnlyList<ScoredChunk>> SearchDenseAsync(
        ReadOnlyMemory<float> queryVector, SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        var live = Live;
        if (queryVector.Length != live.Dimensions)
        {
            throw new InvalidOperationException(
                $"The query vector has {queryVector.Length} dimensions; the index has {live.Dimensions}.");
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var segment = await GetSegmentAsync(connection, filter.TenantId, live, cancellationToken).ConfigureAwait(false);
        HashSet<long>? allowed = null;
        if (filter is { Principals: { } principals, Metadata.Count: 0, DocumentIds: null })
        {
            allowed = await AllowedForPrincipalsAsync(connection, filter, principals, live.Id, segment.ChangeCounter, cancellationToken).ConfigureAwait(false);
        }
        else if (!SqlFilter.IsUnfiltered(filter))
        {
            allowed = await AllowedChunksAsync(connection, filter, live.Id, cancellationToken).ConfigureAwait(false);
        }

        var top = segment.Search(queryVector.Span, limit, allowed);
        if (top.Count == 0)
        {
            return [];
        }

        var chunks = await LoadChunksAsync(connection, filter.TenantId, top.Select(t => t.ChunkId), cancellationToken).ConfigureAwait(false);
        return top.Where(t => chunks.ContainsKey(t.ChunkId))
            .Select(t => new ScoredChunk(chunks[t.ChunkId], t.Score))
            .ToList();
    }

    public async Task<IReadOnlyList<ScoredChunk>> SearchLexicalAsync(
        string query, SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        var match = FtsQuery.Build(query);
        if (match is null)
        {
            return [];
        }

        var live = Live;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = SqlFilter.Render(filter, command, live.Id);
        // Rank and filter on ids and scores only, then fetch the text of the winners, so the sort carries no text.
        command.CommandText = $"""
            SELECT {ChunkColumns}, -top.rank AS score
            FROM (
                SELECT chunks_fts.rowid AS id, bm25(chunks_fts, 2.0, 1.5, 1.0) AS rank
                FROM chunks_fts
                JOIN chunks c ON c.id = chunks_fts.rowid
                JOIN documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
                WHERE chunks_fts MATCH $match AND {where}
                ORDER BY rank
                LIMIT $limit
            ) AS top
            JOIN chunks c ON c.id = top.id
            JOIN chunk_content cc ON cc.chunk_id = c.id
            JOIN documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
            ORDER BY top.rank
            """;
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$limit", limit);

        var results = new List<ScoredChunk>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                results.Add(new ScoredChunk(ReadChunk(reader), reader.GetDouble(7)));
            }
        }
        catch (SqliteException e)
        {
            throw Translate(e, "search the index");
        }

        return results;
    }

    public async Task<IndexStatistics> GetStatisticsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var live = Live;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM documents WHERE tenant_id = $tenant),
                   (SELECT count(*) FROM chunks WHERE tenant_id = $tenant AND generation = $generation),
                   (SELECT max(updated_at) FROM documents WHERE tenant_id = $tenant)
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
        _writeLock.Dispose();
        _segmentLoad.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private const string DocumentColumns = """
        d.tenant_id, d.id, d.title, d.uri, d.source, d.media_type, d.content_hash, d.metadata, d.chunker_version,
        d.embedding_model, d.version, d.chunk_count, d.text_length, d.created_at, d.updated_at, d.acl_public,
        (SELECT json_group_array(principal) FROM document_principals p WHERE p.tenant_id = d.tenant_id AND p.document_id = d.id)
        """;

    private const string ChunkColumns = "c.id, c.document_id, c.ordinal, cc.text, cc.heading_path, d.title, d.uri";

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
    };

    private static async Task DeleteChunksAsync(
        SqliteConnection connection, string tenantId, string documentId, int generation, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM chunks_fts WHERE rowid IN
                (SELECT id FROM chunks WHERE tenant_id = $tenant AND document_id = $id AND generation = $generation);
            DELETE FROM chunks WHERE tenant_id = $tenant AND document_id = $id AND generation = $generation;
            """;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$id", documentId);
        command.Parameters.AddWithValue("$generation", generation);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task InsertChunksAsync(
        SqliteConnection connection, DocumentRecord document, IReadOnlyList<ChunkRecord> chunks, IndexGeneration live,
        CancellationToken cancellationToken)
    {
        await using var chunk = connection.CreateCommand();
        chunk.CommandText = """
            INSERT INTO chunks(tenant_id, document_id, generation, ordinal, token_count, chunker_version, embedding_model)
            VALUES ($tenant, $document, $generation, $ordinal, $tokens, $chunker, $model)
            RETURNING id
            """;
        chunk.Parameters.AddWithValue("$tenant", document.TenantId);
        chunk.Parameters.AddWithValue("$document", document.Id);
        chunk.Parameters.AddWithValue("$generation", live.Id);
        chunk.Parameters.AddWithValue("$chunker", document.ChunkerVersion);
        chunk.Parameters.AddWithValue("$model", document.EmbeddingModel);
        var ordinal = chunk.Parameters.Add("$ordinal", SqliteType.Integer);
        var tokens = chunk.Parameters.Add("$tokens", SqliteType.Integer);

        await using var content = connection.CreateCommand();
        content.CommandText = """
            INSERT INTO chunk_content(chunk_id, text, heading_path) VALUES ($id, $text, $heading);
            INSERT INTO chunk_vectors(chunk_id, embedding) VALUES ($id, $embedding);
            """;
        var contentId = content.Parameters.Add("$id", SqliteType.Integer);
        var text = content.Parameters.Add("$text", SqliteType.Text);
        var heading = content.Parameters.Add("$heading", SqliteType.Text);
        var embedding = content.Parameters.Add("$embedding", SqliteType.Blob);

        await using var fts = connection.CreateCommand();
        fts.CommandText = "INSERT INTO chunks_fts(rowid, title, heading, body) VALUES ($rowid, $title, $heading, $body)";
        var rowId = fts.Parameters.Add("$rowid", SqliteType.Integer);
        fts.Parameters.AddWithValue("$title", document.Title);
        var ftsHeading = fts.Parameters.Add("$heading", SqliteType.Text);
        var body = fts.Parameters.Add("$body", SqliteType.Text);

        foreach (var record in chunks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.Embedding.Length != live.Dimensions)
            {
                throw new InvalidOperationException(
                    $"Chunk {record.Ordinal} of '{document.Id}' has a {record.Embedding.Length}-dimensional vector; the index has {live.Dimensions}.");
            }

            ordinal.Value = record.Ordinal;
            tokens.Value = record.TokenCount;
            var id = (long)(await chunk.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;

            contentId.Value = id;
            text.Value = record.Text;
            heading.Value = record.HeadingPath;
            embedding.Value = MemoryMarshal.AsBytes(record.Embedding.Span).ToArray();
            await content.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            rowId.Value = id;
            ftsHeading.Value = record.HeadingPath;
            body.Value = record.Text;
            await fts.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<VectorSegment> GetSegmentAsync(
        SqliteConnection connection, string tenantId, IndexGeneration live, CancellationToken cancellationToken)
    {
        var counter = await ChangeCounterAsync(connection, cancellationToken).ConfigureAwait(false);
        if (_segments.TryGetValue(tenantId, out var cached) && cached.ChangeCounter == counter)
        {
            return cached;
        }

        await _segmentLoad.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_segments.TryGetValue(tenantId, out cached) && cached.ChangeCounter == counter)
            {
                return cached;
            }

            // Read the counter and the vectors in one read transaction, so the segment matches the counter it carries.
            await using var transaction = connection.BeginTransaction(deferred: true);
            counter = await ChangeCounterAsync(connection, cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT v.chunk_id, v.embedding FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
                WHERE c.tenant_id = $tenant AND c.generation = $generation ORDER BY v.chunk_id
                """;
            command.Parameters.AddWithValue("$tenant", tenantId);
            command.Parameters.AddWithValue("$generation", live.Id);
            var ids = new List<long>();
            var matrix = new List<float>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    ids.Add(reader.GetInt64(0));
                    var blob = (byte[])reader.GetValue(1);
                    matrix.AddRange(MemoryMarshal.Cast<byte, float>(blob));
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            var segment = new VectorSegment(counter, live.Dimensions, [.. ids], [.. matrix]);
            _segments[tenantId] = segment;
            Log.SegmentLoaded(_logger, tenantId, segment.Count, segment.MemoryBytes);
            return segment;
        }
        finally
        {
            _segmentLoad.Release();
        }
    }

    // The chunks a set of principals may read changes only when the index does: cache it per (tenant, principals)
    // against the change counter, so dense search does not recompute the ACL join on every query.
    private async Task<HashSet<long>> AllowedForPrincipalsAsync(
        SqliteConnection connection, SearchFilter filter, IReadOnlyCollection<string> principals, int generation, long counter,
        CancellationToken cancellationToken)
    {
        var key = $"{filter.TenantId}\n{generation}\n{string.Join('\n', principals.Order(StringComparer.Ordinal))}";
        if (_allowed.TryGetValue(key, out var cached) && cached.Counter == counter)
        {
            return cached.Chunks;
        }

        var chunks = await AllowedChunksAsync(connection, filter, generation, cancellationToken).ConfigureAwait(false);
        if (_allowed.Count >= MaxCachedPermissionSets)
        {
            _allowed.Clear();
        }

        _allowed[key] = (counter, chunks);
        return chunks;
    }

    private static async Task<HashSet<long>> AllowedChunksAsync(
        SqliteConnection connection, SearchFilter filter, int generation, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var where = SqlFilter.Render(filter, command, generation);
        command.CommandText = $"""
            SELECT c.id FROM chunks c JOIN documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
            WHERE {where}
            """;
        var allowed = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            allowed.Add(reader.GetInt64(0));
        }

        return allowed;
    }

    // "+c.tenant_id" keeps SQLite from planning a walk over the tenant's whole chunk index; the ids are primary-key
    // lookups and the tenant condition is checked on the rows found.
    private static async Task<Dictionary<long, IndexedChunk>> LoadChunksAsync(
        SqliteConnection connection, string tenantId, IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {ChunkColumns}
            FROM chunks c
            JOIN chunk_content cc ON cc.chunk_id = c.id
            JOIN documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
            WHERE c.id IN (SELECT value FROM json_each($ids)) AND +c.tenant_id = $tenant
            """;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids));
        var result = new Dictionary<long, IndexedChunk>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[reader.GetInt64(0)] = ReadChunk(reader);
        }

        return result;
    }

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

    private static Task BumpChangeCounterAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "UPDATE schema_info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'change_counter'", cancellationToken);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Translate(e, "open the database");
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T?> ScalarAsync<T>(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    private StoreUnavailableException Translate(SqliteException e, string operation)
    {
        // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another writer held the lock past the timeout; retrying may work.
        var transient = e.SqliteErrorCode is 5 or 6;
        Log.StoreError(_logger, operation, e.SqliteErrorCode, e);
        return new StoreUnavailableException($"The index store could not {operation}.", transient, e);
    }

    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTimestamp(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

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
