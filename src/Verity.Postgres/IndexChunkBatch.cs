using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Verity.Core.Model;

namespace Verity.Postgres;

/// <summary>
/// A slice of a document's chunks, inserted with one <c>INSERT … SELECT FROM unnest(…)</c> (PostgreSQL refuses
/// COPY FROM into a table with row-level security). Vectors travel as one flat <c>real[]</c> that each row slices
/// its own part from, since unnest would flatten a two-dimensional array. Slices are bounded, so a huge document
/// does not become one huge statement.
/// </summary>
internal sealed class IndexChunkBatch
{
    private const int MaxChunks = 1_000;

    private readonly int[] _ordinals;
    private readonly int[] _tokens;
    private readonly int?[] _pages;
    private readonly int?[] _parents;
    private readonly string[] _headings;
    private readonly string[] _texts;
    private readonly float[] _vectors;
    private readonly int _dimensions;

    private IndexChunkBatch(IReadOnlyList<ChunkRecord> chunks, int first, int count, int dimensions, string documentId, CancellationToken cancellationToken)
    {
        _ordinals = new int[count];
        _tokens = new int[count];
        _pages = new int?[count];
        _parents = new int?[count];
        _headings = new string[count];
        _texts = new string[count];
        _vectors = new float[count * dimensions];
        _dimensions = dimensions;
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = chunks[first + i];
            if (chunk.Embedding.Length != dimensions)
            {
                throw new InvalidOperationException(
                    $"Chunk {chunk.Ordinal} of '{documentId}' has a {chunk.Embedding.Length}-dimensional vector; the index has {dimensions}.");
            }

            _ordinals[i] = chunk.Ordinal;
            _tokens[i] = chunk.TokenCount;
            _pages[i] = chunk.Page;
            _parents[i] = chunk.Parent;
            _headings[i] = chunk.HeadingPath;
            _texts[i] = chunk.Text;
            chunk.Embedding.Span.CopyTo(_vectors.AsSpan(i * dimensions, dimensions));
        }
    }

    /// <summary>Checks every chunk (vector dimensions) and builds the slices; nothing is written yet.</summary>
    public static List<IndexChunkBatch> Split(DocumentRecord document, IReadOnlyList<ChunkRecord> chunks, int dimensions, CancellationToken cancellationToken)
    {
        var batches = new List<IndexChunkBatch>();
        for (var first = 0; first < chunks.Count; first += MaxChunks)
        {
            batches.Add(new IndexChunkBatch(chunks, first, Math.Min(MaxChunks, chunks.Count - first), dimensions, document.Id, cancellationToken));
        }

        return batches;
    }

    public NpgsqlBatchCommand Command(IndexDocumentValues values, IndexVectorLayout layout)
    {
        var cast = layout.Storage == VectorStorage.PgVector ? "::vector" : "";
        var dims = _dimensions.ToString(CultureInfo.InvariantCulture);
        var command = values.Command($"""
            INSERT INTO chunks (tenant_id, document_id, generation, ordinal, token_count, page, parent_ordinal, heading_path, text,
                title, uri, metadata, acl_public, acl, embedding)
            SELECT @tenant, @id, @generation, r.ordinal, r.tokens, r.page, r.parent, r.heading, r.text,
                @title, @uri, @metadata, @public, @acl, (@vectors)[(r.n - 1) * {dims} + 1 : r.n * {dims}]{cast}
            FROM unnest(@ordinals, @tokens, @pages, @parents, @headings, @texts)
                WITH ORDINALITY AS r(ordinal, tokens, page, parent, heading, text, n)
            """);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter("ordinals", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _ordinals });
        p.Add(new NpgsqlParameter("tokens", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _tokens });
        p.Add(new NpgsqlParameter("pages", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _pages });
        p.Add(new NpgsqlParameter("parents", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = _parents });
        p.Add(new NpgsqlParameter("headings", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _headings });
        p.Add(new NpgsqlParameter("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _texts });
        p.Add(new NpgsqlParameter("vectors", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = _vectors });
        return command;
    }
}
