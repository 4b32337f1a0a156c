namespace Verity.Core.Model;

/// <summary>Restrictions every store applies inside its query, before ranking and top-k.</summary>
public sealed record SearchFilter
{
    public required string TenantId { get; init; }

    /// <summary>Exact-match metadata constraints; all must hold.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = DocumentRecord.EmptyMetadata;

    /// <summary>Range constraints on metadata values, compared as text (ISO 8601 dates order correctly); all must hold.</summary>
    public IReadOnlyList<MetadataRange> Ranges { get; init; } = [];

    /// <summary>When set, only chunks of these documents are searched.</summary>
    public IReadOnlyCollection<string>? DocumentIds { get; init; }

    /// <summary>The caller's principals: only documents whose ACL is public or names one of them are searched.
    /// Null means no ACL restriction, which only system work (ingestion, evaluation) may use; every request made on
    /// behalf of a caller sets it.</summary>
    public IReadOnlyCollection<string>? Principals { get; init; }

    public static SearchFilter ForTenant(string tenantId) => new() { TenantId = tenantId };
}

/// <summary>A metadata value that must lie within [<see cref="From"/>, <see cref="To"/>] (either end open when
/// null), compared ordinally as text.</summary>
public sealed record MetadataRange(string Key, string? From, string? To);

public enum SearchMode
{
    Hybrid,
    Dense,
    Lexical,
}
