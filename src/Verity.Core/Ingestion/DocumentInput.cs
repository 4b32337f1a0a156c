namespace Verity.Core.Ingestion;

/// <summary>One document handed to ingestion: either decoded <see cref="Text"/> (the JSON API) or the raw
/// <see cref="Content"/> of a file in any supported format, whose media type is then found from the content.</summary>
public sealed record DocumentInput
{
    public required string TenantId { get; init; }

    /// <summary>Stable id; a new one is assigned when absent.</summary>
    public string? Id { get; init; }

    public string? Title { get; init; }

    /// <summary>Text of a text format (plain, Markdown, HTML, CSV, JSON). Exactly one of this and <see cref="Content"/>.</summary>
    public string? Text { get; init; }

    /// <summary>The bytes of a file, in any supported format.</summary>
    public ReadOnlyMemory<byte>? Content { get; init; }

    /// <summary>The file's name, a hint for the format when the content does not tell.</summary>
    public string? FileName { get; init; }

    public string? Uri { get; init; }
    public required string Source { get; init; }

    /// <summary>The declared media type; detected from the content (then the file name) when absent or generic.</summary>
    public string? MediaType { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Who may read the document within its tenant; public when not given.</summary>
    public Security.DocumentAcl? Acl { get; init; }

    /// <summary>Used for the title when neither the caller nor the content gives one.</summary>
    public string? FallbackTitle { get; init; }

    /// <summary>The source's version of this content (see <see cref="Model.DocumentRecord.SourceVersion"/>).</summary>
    public long? SourceVersion { get; init; }

    public string? Author { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? Modified { get; init; }
}

public enum IngestStatus
{
    Added,
    Updated,
    Unchanged,

    /// <summary>Not written: the index holds a newer version of the document.</summary>
    Stale,
}

public sealed record IngestOutcome(IngestStatus Status, string DocumentId, int Chunks, long Version);
