namespace Verity.Core.Model;

/// <summary>A document as the index knows it: identity, provenance, the content hash used for incremental sync,
/// and the chunking and embedding configuration its chunks were built with.</summary>
public sealed record DocumentRecord
{
    public required string TenantId { get; init; }
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Uri { get; init; }

    /// <summary>Where the document came from (e.g. <c>fs:/srv/wiki</c>, <c>api</c>); sync removes documents of a
    /// source that the source no longer has.</summary>
    public required string Source { get; init; }

    public required string MediaType { get; init; }
    public required string ContentHash { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    /// <summary>Who may read the document within its tenant.</summary>
    public Security.DocumentAcl Acl { get; init; } = Security.DocumentAcl.Public;
    public required string ChunkerVersion { get; init; }
    public required string EmbeddingModel { get; init; }

    /// <summary>The version the source gave this content (an API caller's version, or the time the update was
    /// accepted). A write carrying a lower version than the stored one is refused, so a re-delivered or
    /// out-of-order update never overwrites newer content. Null: the source has no versions (a folder or crawl is
    /// read as it is now) and the write always applies.</summary>
    public long? SourceVersion { get; init; }

    /// <summary>Incremented by the store on every replacement of the document.</summary>
    public long Version { get; init; }

    public int ChunkCount { get; init; }
    public long TextLength { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public static readonly IReadOnlyDictionary<string, string> EmptyMetadata =
        new Dictionary<string, string>(StringComparer.Ordinal);
}
