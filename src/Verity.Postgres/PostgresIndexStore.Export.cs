using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Postgres;

/// <summary>Reading the whole index back (<c>verity migrate-store</c>): documents with their text, chunks, vectors
/// and parent passages, as writes that reproduce them in another store, a page at a time.</summary>
public sealed partial class PostgresIndexStore
{
    // A page holds at most this many documents and, past its first document, this many chunks: memory stays bounded
    // whatever the tenant's size, and each page is one short transaction.
    private const int ExportPageDocuments = 64;
    private const int ExportPageChunks = 2_000;

    public Task<IndexConfiguration?> GetConfigurationAsync(CancellationToken cancellationToken) =>
        _database.ExecuteAsync(DbScope.System, "read the index configuration", async (connection, ct) =>
        {
            var live = await ReadLiveGenerationAsync(connection, ct).ConfigureAwait(false);
            return live is { Generation: var g } ? new IndexConfiguration(g.EmbeddingModel, g.Dimensions, g.ChunkerVersion) : null;
        }, cancellationToken);

    // A loose index scan: one primary-key probe per tenant instead of reading every document.
    public Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken) =>
        _database.ExecuteAsync<IReadOnlyList<string>>(DbScope.System, "list the tenants", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("""
                WITH RECURSIVE tenants (tenant_id) AS (
                    (SELECT tenant_id FROM documents ORDER BY tenant_id LIMIT 1)
                    UNION ALL
                    SELECT (SELECT d.tenant_id FROM documents d WHERE d.tenant_id > t.tenant_id ORDER BY d.tenant_id LIMIT 1)
                    FROM tenants t WHERE t.tenant_id IS NOT NULL)
                SELECT tenant_id FROM tenants WHERE tenant_id IS NOT NULL
                """, connection);
            var tenants = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                tenants.Add(reader.GetString(0));
            }

            return tenants;
        }, cancellationToken);

    public async IAsyncEnumerable<DocumentWrite> ExportDocumentsAsync(
        string tenantId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var live = Live;
        string? after = null;
        while (true)
        {
            var (page, more) = await _database.ExecuteAsync(DbScope.Tenant(tenantId), "export the documents",
                (connection, ct) => ReadExportPageAsync(connection, tenantId, after, live.Id, ct), cancellationToken).ConfigureAwait(false);
            foreach (var write in page)
            {
                yield return write;
            }

            if (!more || page.Count == 0)
            {
                yield break;
            }

            after = page[^1].Document.Id;
        }
    }

    private static async Task<(List<DocumentWrite> Page, bool More)> ReadExportPageAsync(
        NpgsqlConnection connection, string tenantId, string? after, int generation, CancellationToken cancellationToken)
    {
        // FOR SHARE holds off writers of these documents until the page is read, so each document's chunks (read by
        // the next statement, which sees later commits) are the ones of the row read here.
        var documents = new List<(DocumentRecord Document, string Text)>();
        await using (var command = new NpgsqlCommand($"""
            SELECT {IndexRows.DocumentColumns}, d.body FROM documents d
            WHERE d.tenant_id = @tenant AND (@after::text IS NULL OR d.id > @after)
            ORDER BY d.id LIMIT @limit
            FOR SHARE
            """, connection))
        {
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.Add(new NpgsqlParameter("after", NpgsqlDbType.Text) { Value = (object?)after ?? DBNull.Value });
            command.Parameters.AddWithValue("limit", ExportPageDocuments + 1);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                documents.Add((IndexRows.ReadDocument(reader), reader.GetString(IndexRows.DocumentColumnCount)));
            }
        }

        var taken = 0;
        for (var chunks = 0; taken < Math.Min(documents.Count, ExportPageDocuments); taken++)
        {
            chunks += documents[taken].Document.ChunkCount;
            if (taken > 0 && chunks > ExportPageChunks)
            {
                break;
            }
        }

        var page = documents.Take(taken).ToList();
        var (chunksByDocument, parentsByDocument) = await ReadExportChunksAsync(
            connection, tenantId, generation, page.Select(d => d.Document.Id).ToArray(), cancellationToken).ConfigureAwait(false);
        var writes = page.Select(d => new DocumentWrite(d.Document, d.Text, chunksByDocument.GetValueOrDefault(d.Document.Id) ?? [])
        {
            Parents = parentsByDocument.GetValueOrDefault(d.Document.Id) ?? [],
        }).ToList();
        return (writes, documents.Count > taken);
    }

    private static async Task<(Dictionary<string, List<ChunkRecord>> Chunks, Dictionary<string, List<string>> Parents)> ReadExportChunksAsync(
        NpgsqlConnection connection, string tenantId, int generation, string[] documentIds, CancellationToken cancellationToken)
    {
        var chunks = new Dictionary<string, List<ChunkRecord>>(StringComparer.Ordinal);
        var parents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (documentIds.Length == 0)
        {
            return (chunks, parents);
        }

        await using var batch = new NpgsqlBatch(connection);
        foreach (var sql in new[]
        {
            """
            SELECT c.document_id, c.ordinal, c.text, c.heading_path, c.token_count, c.embedding::real[], c.page, c.parent_ordinal
            FROM chunks c
            WHERE c.tenant_id = @tenant AND c.generation = @generation AND c.document_id = ANY(@ids)
            ORDER BY c.document_id, c.ordinal
            """,
            """
            SELECT p.document_id, p.text FROM chunk_parents p
            WHERE p.tenant_id = @tenant AND p.generation = @generation AND p.document_id = ANY(@ids)
            ORDER BY p.document_id, p.ordinal
            """,
        })
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.AddWithValue("generation", generation);
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = documentIds });
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var chunk = new ChunkRecord(reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetFieldValue<float[]>(5))
            {
                Page = reader.IsDBNull(6) ? null : reader.GetInt32(6),
                Parent = reader.IsDBNull(7) ? null : reader.GetInt32(7),
            };
            Add(chunks, reader.GetString(0), chunk);
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            Add(parents, reader.GetString(0), reader.GetString(1));
        }

        return (chunks, parents);
    }

    private static void Add<T>(Dictionary<string, List<T>> lists, string key, T value)
    {
        if (!lists.TryGetValue(key, out var list))
        {
            list = [];
            lists[key] = list;
        }

        list.Add(value);
    }
}
