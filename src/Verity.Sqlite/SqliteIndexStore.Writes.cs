using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Sqlite;

/// <summary>The write path: one transaction per document, refusing stale versions.</summary>
public sealed partial class SqliteIndexStore
{
    public async Task<UpsertResult> UpsertDocumentAsync(DocumentWrite write, CancellationToken cancellationToken)
    {
        var (document, text, chunks) = (write.Document, write.Text, write.Chunks);
        CheckParents(write);
        var live = Live;
        await _database.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var now = Timestamp(DateTimeOffset.UtcNow);

            // Read inside the write transaction, so no other writer can slip a newer version in between.
            var stored = await ReadDocumentAsync(connection, document.TenantId, document.Id, null, cancellationToken).ConfigureAwait(false);
            if (stored is { SourceVersion: { } storedVersion } && document.SourceVersion is { } incoming && incoming < storedVersion)
            {
                return new UpsertResult(stored, Applied: false);
            }

            await DeleteChunksAsync(connection, document.TenantId, document.Id, live.Id, cancellationToken).ConfigureAwait(false);

            await using (var upsert = connection.CreateCommand())
            {
                upsert.CommandText = """
                    INSERT INTO documents(tenant_id, id, title, uri, source, media_type, content_hash, metadata, acl_public,
                        chunker_version, embedding_model, version, chunk_count, text_length, created_at, updated_at, source_version)
                    VALUES ($tenant, $id, $title, $uri, $source, $media, $hash, $metadata, $public,
                        $chunker, $model, 1, $chunks, $length, $now, $now, $sourceVersion)
                    ON CONFLICT(tenant_id, id) DO UPDATE SET
                        title = excluded.title, uri = excluded.uri, source = excluded.source, media_type = excluded.media_type,
                        content_hash = excluded.content_hash, metadata = excluded.metadata, acl_public = excluded.acl_public,
                        chunker_version = excluded.chunker_version, embedding_model = excluded.embedding_model,
                        version = documents.version + 1, chunk_count = excluded.chunk_count,
                        text_length = excluded.text_length, updated_at = excluded.updated_at,
                        source_version = excluded.source_version;
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
                upsert.Parameters.AddWithValue("$sourceVersion", Sql.Nullable(document.SourceVersion));
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await InsertParentsAsync(connection, document, write.Parents, live, cancellationToken).ConfigureAwait(false);
            await InsertChunksAsync(connection, document, chunks, live, cancellationToken).ConfigureAwait(false);
            await BumpChangeCountersAsync(connection, document.TenantId, cancellationToken).ConfigureAwait(false);
            var written = await ReadDocumentAsync(connection, document.TenantId, document.Id, null, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new UpsertResult(written!, Applied: true);
        }
        catch (SqliteException e)
        {
            throw Translate(e, "write the document");
        }
        finally
        {
            _database.WriteGate.Release();
        }
    }

    public async Task<bool> DeleteDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken)
    {
        await _database.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
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
                await BumpChangeCountersAsync(connection, tenantId, cancellationToken).ConfigureAwait(false);
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
            _database.WriteGate.Release();
        }
    }

    private static async Task DeleteChunksAsync(
        SqliteConnection connection, string tenantId, string documentId, int generation, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM chunks_fts WHERE rowid IN
                (SELECT id FROM chunks WHERE tenant_id = $tenant AND document_id = $id AND generation = $generation);
            DELETE FROM chunks WHERE tenant_id = $tenant AND document_id = $id AND generation = $generation;
            DELETE FROM chunk_parents WHERE tenant_id = $tenant AND document_id = $id AND generation = $generation;
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
            INSERT INTO chunks(tenant_id, document_id, generation, ordinal, token_count, chunker_version, embedding_model, page, parent_ordinal)
            VALUES ($tenant, $document, $generation, $ordinal, $tokens, $chunker, $model, $page, $parent)
            RETURNING id
            """;
        chunk.Parameters.AddWithValue("$tenant", document.TenantId);
        chunk.Parameters.AddWithValue("$document", document.Id);
        chunk.Parameters.AddWithValue("$generation", live.Id);
        chunk.Parameters.AddWithValue("$chunker", document.ChunkerVersion);
        chunk.Parameters.AddWithValue("$model", document.EmbeddingModel);
        var ordinal = chunk.Parameters.Add("$ordinal", SqliteType.Integer);
        var tokens = chunk.Parameters.Add("$tokens", SqliteType.Integer);
        var page = chunk.Parameters.Add("$page", SqliteType.Integer);
        var parent = chunk.Parameters.Add("$parent", SqliteType.Integer);

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
            page.Value = Sql.Nullable(record.Page);
            parent.Value = Sql.Nullable(record.Parent);
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

    private static async Task InsertParentsAsync(
        SqliteConnection connection, DocumentRecord document, IReadOnlyList<string> parents, IndexGeneration live,
        CancellationToken cancellationToken)
    {
        if (parents.Count == 0)
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO chunk_parents(tenant_id, document_id, generation, ordinal, text)
            VALUES ($tenant, $document, $generation, $ordinal, $text)
            """;
        command.Parameters.AddWithValue("$tenant", document.TenantId);
        command.Parameters.AddWithValue("$document", document.Id);
        command.Parameters.AddWithValue("$generation", live.Id);
        var ordinal = command.Parameters.Add("$ordinal", SqliteType.Integer);
        var text = command.Parameters.Add("$text", SqliteType.Text);
        for (var i = 0; i < parents.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ordinal.Value = i;
            text.Value = parents[i];
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // A chunk pointing at a parent that is not in the write would come back without its context: refuse it
    // before anything is written.
    private static void CheckParents(DocumentWrite write)
    {
        foreach (var chunk in write.Chunks)
        {
            if (chunk.Parent is { } parent && (parent < 0 || parent >= write.Parents.Count))
            {
                throw new ArgumentException(
                    $"Chunk {chunk.Ordinal} of '{write.Document.Id}' points to parent {parent}; the write has {write.Parents.Count} parents.",
                    nameof(write));
            }
        }
    }
}
