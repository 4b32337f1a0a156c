using Npgsql;
using NpgsqlTypes;
using Verity.Core.Model;

namespace Verity.Postgres;

/// <summary>The parameters of one document write that several statements of its batch share: the document row,
/// and the copies of its title, uri, metadata and ACL that every chunk and parent row carries.</summary>
internal sealed class IndexDocumentValues(DocumentRecord document, string text, int chunkCount, int generation)
{
    private readonly string _metadata = IndexRows.MetadataJson(document);
    private readonly string[] _acl = IndexRows.Principals(document.Acl);

    /// <summary>A batch statement with every shared parameter bound (statements use the ones they name).</summary>
    public NpgsqlBatchCommand Command(string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = document.TenantId });
        p.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = document.Id });
        p.Add(new NpgsqlParameter("generation", NpgsqlDbType.Integer) { Value = generation });
        p.Add(new NpgsqlParameter("title", NpgsqlDbType.Text) { Value = document.Title });
        p.Add(new NpgsqlParameter("uri", NpgsqlDbType.Text) { Value = (object?)document.Uri ?? DBNull.Value });
        p.Add(new NpgsqlParameter("source", NpgsqlDbType.Text) { Value = document.Source });
        p.Add(new NpgsqlParameter("media_type", NpgsqlDbType.Text) { Value = document.MediaType });
        p.Add(new NpgsqlParameter("content_hash", NpgsqlDbType.Text) { Value = document.ContentHash });
        p.Add(new NpgsqlParameter("metadata", NpgsqlDbType.Jsonb) { Value = _metadata });
        p.Add(new NpgsqlParameter("public", NpgsqlDbType.Boolean) { Value = document.Acl.IsPublic });
        p.Add(new NpgsqlParameter("acl", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _acl });
        p.Add(new NpgsqlParameter("chunker", NpgsqlDbType.Text) { Value = document.ChunkerVersion });
        p.Add(new NpgsqlParameter("model", NpgsqlDbType.Text) { Value = document.EmbeddingModel });
        p.Add(new NpgsqlParameter("chunk_count", NpgsqlDbType.Integer) { Value = chunkCount });
        p.Add(new NpgsqlParameter("text_length", NpgsqlDbType.Bigint) { Value = (long)text.Length });
        p.Add(new NpgsqlParameter("body", NpgsqlDbType.Text) { Value = text });
        p.Add(new NpgsqlParameter("source_version", NpgsqlDbType.Bigint) { Value = (object?)document.SourceVersion ?? DBNull.Value });
        return command;
    }
}
