using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Sqlite;

/// <summary>Reading the whole index back (<c>verity migrate-store</c>): documents with their text, chunks, vectors
/// and parent passages, as writes that reproduce them in another store.</summary>
public sealed partial class SqliteIndexStore : IIndexExporter
{
    // Documents are read a page at a time, each page in its own short read, so a long export never pins one WAL
    // snapshot (which would keep the WAL file from being checkpointed while writers carry on).
    private const int ExportPageSize = 64;

    public async Task<IndexConfiguration?> GetConfigurationAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await ScalarAsync<long>(connection, "SELECT count(*) FROM sqlite_master WHERE name = 'index_generations'", cancellationToken)
                .ConfigureAwait(false) == 0)
            {
                return null;
            }

            var live = await ReadLiveGenerationAsync(connection, cancellationToken).ConfigureAwait(false);
            return live is null ? null : new IndexConfiguration(live.EmbeddingModel, live.Dimensions, live.ChunkerVersion);
        }
        catch (SqliteException e)
        {
            throw Translate(e, "read the index configuration");
        }
    }

    public async Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT tenant_id FROM documents ORDER BY tenant_id";
            var tenants = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tenants.Add(reader.GetString(0));
            }

            return tenants;
        }
        catch (SqliteException e)
        {
            throw Translate(e, "list the tenants");
        }
    }

    public async IAsyncEnumerable<DocumentWrite> ExportDocumentsAsync(
        string tenantId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var live = Live;
        string? after = null;
        while (true)
        {
            var page = await ReadExportPageAsync(tenantId, after, live.Id, cancellationToken).ConfigureAwait(false);
            foreach (var write in page)
            {
                yield return write;
            }

            if (page.Count < ExportPageSize)
            {
                yield break;
            }

            after = page[^1].Document.Id;
        }
    }

    private async Task<List<DocumentWrite>> ReadExportPageAsync(string tenantId, string? after, int generation, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One read transaction per page: a document and its chunks come from the same snapshot.
            // Deferred: a read must not take the write lock (an immediate transaction would).
            await using var transaction = connection.BeginTransaction(deferred: true);
            var documents = new List<(DocumentRecord Document, string Text)>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = $"""
                    SELECT {DocumentColumns}, b.body FROM documents d
                    JOIN document_bodies b ON b.tenant_id = d.tenant_id AND b.document_id = d.id
                    WHERE d.tenant_id = $tenant AND ($after IS NULL OR d.id > $after)
                    ORDER BY d.id LIMIT $limit
                    """;
                command.Parameters.AddWithValue("$tenant", tenantId);
                command.Parameters.AddWithValue("$after", Sql.Nullable(after));
                command.Parameters.AddWithValue("$limit", ExportPageSize);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    documents.Add((ReadDocument(reader), reader.GetString(18)));
                }
            }

            var writes = new List<DocumentWrite>(documents.Count);
            foreach (var (document, text) in documents)
            {
                var chunks = await ReadExportChunksAsync(connection, document, generation, cancellationToken).ConfigureAwait(false);
                var parents = await ReadExportParentsAsync(connection, document, generation, cancellationToken).ConfigureAwait(false);
                writes.Add(new DocumentWrite(document, text, chunks) { Parents = parents });
            }

            return writes;
        }
        catch (SqliteException e)
        {
            throw Translate(e, "export the documents");
        }
    }

    private static async Task<List<ChunkRecord>> ReadExportChunksAsync(
        SqliteConnection connection, DocumentRecord document, int generation, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.ordinal, cc.text, cc.heading_path, c.token_count, v.embedding, c.page, c.parent_ordinal
            FROM chunks c
            JOIN chunk_content cc ON cc.chunk_id = c.id
            JOIN chunk_vectors v ON v.chunk_id = c.id
            WHERE c.tenant_id = $tenant AND c.document_id = $id AND c.generation = $generation
            ORDER BY c.ordinal
            """;
        command.Parameters.AddWithValue("$tenant", document.TenantId);
        command.Parameters.AddWithValue("$id", document.Id);
        command.Parameters.AddWithValue("$generation", generation);
        var chunks = new List<ChunkRecord>(document.ChunkCount);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var vector = MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(4)).ToArray();
            chunks.Add(new ChunkRecord(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), vector)
            {
                Page = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                Parent = reader.IsDBNull(6) ? null : reader.GetInt32(6),
            });
        }

        return chunks;
    }

    private static async Task<List<string>> ReadExportParentsAsync(
        SqliteConnection connection, DocumentRecord document, int generation, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT text FROM chunk_parents
            WHERE tenant_id = $tenant AND document_id = $id AND generation = $generation
            ORDER BY ordinal
            """;
        command.Parameters.AddWithValue("$tenant", document.TenantId);
        command.Parameters.AddWithValue("$id", document.Id);
        command.Parameters.AddWithValue("$generation", generation);
        var parents = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            parents.Add(reader.GetString(0));
        }

        return parents;
    }
}
