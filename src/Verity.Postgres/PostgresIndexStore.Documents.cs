using System.Text;
using Npgsql;
using NpgsqlTypes;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Postgres;

/// <summary>Document reads: by id (with or without the caller's ACL), listings, fingerprints and statistics.</summary>
public sealed partial class PostgresIndexStore
{
    public Task<DocumentRecord?> GetDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken) =>
        GetDocumentCoreAsync(tenantId, documentId, null, cancellationToken);

    public Task<DocumentRecord?> GetDocumentAsync(
        string tenantId, string documentId, IReadOnlyCollection<string> principals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principals);
        return GetDocumentCoreAsync(tenantId, documentId, principals, cancellationToken);
    }

    public Task<string?> GetDocumentTextAsync(string tenantId, string documentId, CancellationToken cancellationToken) =>
        GetDocumentTextCoreAsync(tenantId, documentId, null, cancellationToken);

    public Task<string?> GetDocumentTextAsync(
        string tenantId, string documentId, IReadOnlyCollection<string> principals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principals);
        return GetDocumentTextCoreAsync(tenantId, documentId, principals, cancellationToken);
    }

    private Task<DocumentRecord?> GetDocumentCoreAsync(
        string tenantId, string documentId, IReadOnlyCollection<string>? principals, CancellationToken cancellationToken) =>
        _database.ExecuteAsync(DbScope.Tenant(tenantId, principals), "read the document", async (connection, ct) =>
        {
            await using var command = DocumentQuery(connection, $"SELECT {IndexRows.DocumentColumns} FROM documents d", tenantId, documentId, principals);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? IndexRows.ReadDocument(reader) : null;
        }, cancellationToken);

    private Task<string?> GetDocumentTextCoreAsync(
        string tenantId, string documentId, IReadOnlyCollection<string>? principals, CancellationToken cancellationToken) =>
        _database.ExecuteAsync(DbScope.Tenant(tenantId, principals), "read the document text", async (connection, ct) =>
        {
            await using var command = DocumentQuery(connection, "SELECT d.body FROM documents d", tenantId, documentId, principals);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }, cancellationToken);

    private static NpgsqlCommand DocumentQuery(
        NpgsqlConnection connection, string select, string tenantId, string documentId, IReadOnlyCollection<string>? principals)
    {
        var acl = principals is null ? "" : " AND " + IndexFilter.Acl("d", "@principals");
        var command = new NpgsqlCommand($"{select} WHERE d.tenant_id = @tenant AND d.id = @id{acl}", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("id", documentId);
        if (principals is not null)
        {
            command.Parameters.Add(new NpgsqlParameter("principals", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = principals.ToArray() });
        }

        return command;
    }

    public async Task<DocumentPage> ListDocumentsAsync(DocumentListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit < 1)
        {
            throw new InvalidRequestException("The page size must be at least 1.", "limit");
        }

        var after = query.After is null ? null : IndexRows.DecodeCursor(query.After);
        var documents = await _database.ExecuteAsync(DbScope.Tenant(query.TenantId, query.Principals), "list the documents", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand { Connection = connection };
            var sql = new StringBuilder($"SELECT {IndexRows.DocumentColumns} FROM documents d WHERE d.tenant_id = @tenant");
            command.Parameters.AddWithValue("tenant", query.TenantId);
            if (query.Source is not null)
            {
                sql.Append(" AND d.source = @source");
                command.Parameters.AddWithValue("source", query.Source);
            }

            if (after is not null)
            {
                sql.Append(" AND d.id > @after");
                command.Parameters.AddWithValue("after", after);
            }

            if (query.Principals is { } principals)
            {
                sql.Append(" AND ").Append(IndexFilter.Acl("d", "@principals"));
                command.Parameters.Add(new NpgsqlParameter("principals", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = principals.ToArray() });
            }

            sql.Append(" ORDER BY d.id LIMIT @limit");
            command.Parameters.AddWithValue("limit", (long)query.Limit + 1);
            command.CommandText = sql.ToString();

            var rows = new List<DocumentRecord>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows.Add(IndexRows.ReadDocument(reader));
            }

            return rows;
        }, cancellationToken).ConfigureAwait(false);

        string? next = null;
        if (documents.Count > query.Limit)
        {
            documents.RemoveAt(documents.Count - 1);
            next = IndexRows.EncodeCursor(documents[^1].Id);
        }

        return new DocumentPage(documents, next);
    }

    public Task<IReadOnlyDictionary<string, DocumentFingerprint>> GetFingerprintsAsync(
        string tenantId, string source, CancellationToken cancellationToken) =>
        _database.ExecuteAsync<IReadOnlyDictionary<string, DocumentFingerprint>>(DbScope.Tenant(tenantId), "read the fingerprints", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT id, content_hash, chunker_version, embedding_model FROM documents
                WHERE tenant_id = @tenant AND source = @source
                """, connection);
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.AddWithValue("source", source);
            var result = new Dictionary<string, DocumentFingerprint>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result[reader.GetString(0)] = new DocumentFingerprint(reader.GetString(1), reader.GetString(2), reader.GetString(3));
            }

            return result;
        }, cancellationToken);

    // Chunks are counted through documents.chunk_count: a document and its chunks are only ever written together
    // in one transaction, and one row per document is far cheaper to sum than one per chunk.
    public async Task<IndexStatistics> GetStatisticsAsync(string tenantId, CancellationToken cancellationToken)
    {
        var live = Live;
        return await _database.ExecuteAsync(DbScope.Tenant(tenantId), "read the index statistics", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("""
                SELECT count(*), coalesce(sum(chunk_count), 0),
                       coalesce((SELECT changed_at FROM index_versions WHERE tenant_id = @tenant), max(updated_at))
                FROM documents WHERE tenant_id = @tenant
                """, connection);
            command.Parameters.AddWithValue("tenant", tenantId);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            DateTimeOffset? last = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
            return new IndexStatistics(checked((int)reader.GetInt64(0)), checked((int)reader.GetInt64(1)), live, last);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        var live = Live;
        var found = await _database.ExecuteAsync(DbScope.System, "check the index", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM index_generations WHERE id = @id AND state = 'live'", connection);
            command.Parameters.AddWithValue("id", live.Id);
            return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);
        if (found != 1)
        {
            throw new StoreUnavailableException($"The live index generation {live.Id} is missing from the database.", isTransient: false);
        }
    }
}
