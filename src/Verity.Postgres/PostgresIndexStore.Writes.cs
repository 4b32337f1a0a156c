using Npgsql;
using NpgsqlTypes;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Postgres;

/// <summary>The write path: one transaction per document, serialised per document by an advisory lock, refusing
/// stale versions.</summary>
public sealed partial class PostgresIndexStore
{
    public async Task<UpsertResult> UpsertDocumentAsync(DocumentWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var document = write.Document;
        CheckParents(write);
        var (live, layout) = (Live, Layout);

        // Everything that can be refused is refused, and the rows are built, before the transaction starts.
        var batches = IndexChunkBatch.Split(document, write.Chunks, live.Dimensions, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var values = new IndexDocumentValues(document, write.Text, write.Chunks.Count, live.Id);

        var result = await _database.ExecuteAsync(DbScope.Tenant(document.TenantId), "write the document", async (connection, ct) =>
        {
            // The lock is taken before the stored version is read, so two writers of one document (in any process)
            // run one after the other: the second sees what the first committed, and a lower version never wins.
            var stored = await LockAndReadAsync(connection, document.TenantId, document.Id, ct).ConfigureAwait(false);
            if (stored is { SourceVersion: { } storedVersion } && document.SourceVersion is { } incoming && incoming < storedVersion)
            {
                return new UpsertResult(stored, Applied: false);
            }

            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(values.Command(UpsertDocumentSql));
            batch.BatchCommands.Add(values.Command("DELETE FROM chunks WHERE tenant_id = @tenant AND document_id = @id AND generation = @generation"));
            batch.BatchCommands.Add(values.Command("DELETE FROM chunk_parents WHERE tenant_id = @tenant AND document_id = @id AND generation = @generation"));
            if (write.Parents.Count > 0)
            {
                var parents = values.Command("""
                    INSERT INTO chunk_parents (tenant_id, document_id, generation, ordinal, text, acl_public, acl)
                    SELECT @tenant, @id, @generation, p.n - 1, p.text, @public, @acl
                    FROM unnest(@parents) WITH ORDINALITY AS p(text, n)
                    """);
                parents.Parameters.Add(new NpgsqlParameter("parents", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = write.Parents.ToArray() });
                batch.BatchCommands.Add(parents);
            }

            foreach (var chunks in batches)
            {
                batch.BatchCommands.Add(chunks.Command(values, layout));
            }

            batch.BatchCommands.Add(BumpVersionCommand(document.TenantId));

            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            var written = IndexRows.ReadDocument(reader);
            // Reading on to the end surfaces an error in any later statement before the commit.
            while (await reader.NextResultAsync(ct).ConfigureAwait(false))
            {
            }

            return new UpsertResult(written, Applied: true);
        }, cancellationToken).ConfigureAwait(false);

        if (!result.Applied)
        {
            Log.StaleWriteRefused(_logger, document.Id, document.TenantId, document.SourceVersion!.Value, result.Document.SourceVersion!.Value);
        }

        return result;
    }

    public Task<bool> DeleteDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken) =>
        _database.ExecuteAsync(DbScope.Tenant(tenantId), "delete the document", async (connection, ct) =>
        {
            // Chunks and parents go with the document (ON DELETE CASCADE); the lock orders the delete with writes.
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(DocumentCommand("SELECT pg_advisory_xact_lock(@class, hashtext(@tenant || chr(31) || @id))", tenantId, documentId));
            batch.BatchCommands.Add(DocumentCommand("DELETE FROM documents WHERE tenant_id = @tenant AND id = @id", tenantId, documentId));
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (batch.BatchCommands[1].RecordsAffected == 0)
            {
                return false;
            }

            // Only a delete that removed something moves the version; it then needs a round trip of its own.
            await using var bump = new NpgsqlBatch(connection);
            bump.BatchCommands.Add(BumpVersionCommand(tenantId));
            await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static async Task<DocumentRecord?> LockAndReadAsync(
        NpgsqlConnection connection, string tenantId, string documentId, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(DocumentCommand("SELECT pg_advisory_xact_lock(@class, hashtext(@tenant || chr(31) || @id))", tenantId, documentId));
        batch.BatchCommands.Add(DocumentCommand(
            $"SELECT {IndexRows.DocumentColumns} FROM documents d WHERE d.tenant_id = @tenant AND d.id = @id", tenantId, documentId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? IndexRows.ReadDocument(reader) : null;
    }

    private static NpgsqlBatchCommand DocumentCommand(string sql, string tenantId, string documentId)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("class", DocumentLockClass);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("id", documentId);
        return command;
    }

    private const string UpsertDocumentSql = $"""
        INSERT INTO documents AS d (tenant_id, id, title, uri, source, media_type, content_hash, metadata, acl_public, acl,
            chunker_version, embedding_model, version, chunk_count, text_length, body, created_at, updated_at, source_version)
        VALUES (@tenant, @id, @title, @uri, @source, @media_type, @content_hash, @metadata, @public, @acl,
            @chunker, @model, 1, @chunk_count, @text_length, @body, now(), now(), @source_version)
        ON CONFLICT (tenant_id, id) DO UPDATE SET
            title = excluded.title, uri = excluded.uri, source = excluded.source, media_type = excluded.media_type,
            content_hash = excluded.content_hash, metadata = excluded.metadata, acl_public = excluded.acl_public,
            acl = excluded.acl, chunker_version = excluded.chunker_version, embedding_model = excluded.embedding_model,
            version = d.version + 1, chunk_count = excluded.chunk_count, text_length = excluded.text_length,
            body = excluded.body, updated_at = excluded.updated_at, source_version = excluded.source_version
        RETURNING {IndexRows.DocumentColumns}
        """;

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
