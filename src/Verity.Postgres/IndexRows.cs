using System.Text;
using System.Text.Json;
using Npgsql;
using Verity.Core;
using Verity.Core.Model;
using Verity.Core.Security;

namespace Verity.Postgres;

/// <summary>Reading documents and chunks back from the index tables, and the opaque listing cursor.</summary>
internal static class IndexRows
{
    /// <summary>A document row aliased d (without its body).</summary>
    public const string DocumentColumns = """
        d.tenant_id, d.id, d.title, d.uri, d.source, d.media_type, d.content_hash, d.metadata::text, d.chunker_version,
        d.embedding_model, d.version, d.chunk_count, d.text_length, d.created_at, d.updated_at, d.acl_public, d.acl,
        d.source_version
        """;

    public const int DocumentColumnCount = 18;

    private static readonly JsonSerializerOptions Json = new();

    public static DocumentRecord ReadDocument(NpgsqlDataReader reader) => new()
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
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(13),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(14),
        Acl = ReadAcl(reader.GetBoolean(15), reader.GetFieldValue<string[]>(16)),
        SourceVersion = reader.IsDBNull(17) ? null : reader.GetInt64(17),
    };

    /// <summary>A chunk from <see cref="IndexSearchSql.ChunkColumns"/>, starting at column <paramref name="first"/>.</summary>
    public static IndexedChunk ReadChunk(NpgsqlDataReader reader, int first = 0)
    {
        var documentId = reader.GetString(first);
        var ordinal = reader.GetInt32(first + 1);
        return new IndexedChunk
        {
            Id = IndexedChunk.MakeId(documentId, ordinal),
            DocumentId = documentId,
            Ordinal = ordinal,
            Text = reader.GetString(first + 2),
            HeadingPath = reader.GetString(first + 3),
            DocumentTitle = reader.GetString(first + 4),
            DocumentUri = reader.IsDBNull(first + 5) ? null : reader.GetString(first + 5),
            Page = reader.IsDBNull(first + 6) ? null : reader.GetInt32(first + 6),
            ParentText = reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7),
        };
    }

    /// <summary>The ACL as stored: a public flag and the principals, distinct, in ordinal order.</summary>
    public static string[] Principals(DocumentAcl acl) =>
        acl.IsPublic ? [] : acl.Principals.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    public static string MetadataJson(DocumentRecord document) => JsonSerializer.Serialize(document.Metadata, Json);

    private static DocumentAcl ReadAcl(bool isPublic, string[] principals)
    {
        if (isPublic)
        {
            return DocumentAcl.Public;
        }

        string[] Of(string prefix) => principals
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => p[prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToArray();
        return new DocumentAcl { IsPublic = false, Users = Of("user:"), Groups = Of("group:"), Roles = Of("role:") };
    }

    public static string EncodeCursor(string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(id)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string DecodeCursor(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var id = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            // PostgreSQL text cannot hold NUL: such a cursor was never issued.
            return id.Contains('\0', StringComparison.Ordinal) ? throw new FormatException() : id;
        }
        catch (FormatException)
        {
            throw new InvalidRequestException("The page cursor is invalid.", "after");
        }
    }
}
