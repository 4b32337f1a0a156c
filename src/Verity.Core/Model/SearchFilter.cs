namespace Verity.Core.Model;

/// <summary>Restrictions every store applies inside its query, before ranking and top-k.</summary>
public sealed record SearchFilter
{
    public required string TenantId { get; init; }

    /// <summary>Exact-match metadata constraints; all must hold.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = DocumentRecord.EmptyMetadata;

    /// <summary>When set, only chunks of these documents are searched.</summary>
    public IReadOnlyCollection<string>? DocumentIds { get; init; }

    public static SearchFilter ForTenant(string tenantId) => new() { TenantId = tenantId };
}

public enum SearchMode
{
    Hybrid,
    Dense,
    Lexical,
}
