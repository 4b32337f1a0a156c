namespace Verity.Core.Ingestion;

/// <summary>One document handed to ingestion, already decoded to text.</summary>
public sealed record DocumentInput
{
    public required string TenantId { get; init; }

    /// <summary>Stable id; a new one is assigned when absent.</summary>
    public string? Id { get; init; }

    public string? Title { get; init; }
    public required string Text { get; init; }
    public string? Uri { get; init; }
    public required string Source { get; init; }
    public required string MediaType { get; init; }
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Who may read the document within its tenant; public when not given.</summary>
    public Security.DocumentAcl? Acl { get; init; }

    /// <summary>Used for the title when neither the caller nor the content gives one.</summary>
    public string? FallbackTitle { get; init; }
}

public enum IngestStatus
{
    Added,
    Updated,
    Unchanged,
}

public sealed record IngestOutcome(IngestStatus Status, string DocumentId, int Chunks, long Version);
