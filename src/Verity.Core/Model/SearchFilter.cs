namespace Verity.Core.Model;

/// <summary>Restrictions every store applies inside its query, before ranking and top-k.</summary>
public sealed record SearchFilter
{
    public required string TenantId { get; init; }

    /// <summary>Exact-match metadata constraints; all must hold.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = DocumentRecord.EmptyMetadata;

    /// <summary>When set, only chunks of these documents are searched.</summary>
    public IReadOnlyCollection<string>? DocumentIds { get; init; }

    /// <summary>The caller's principals: only documents whose ACL is public or names one of them are searched.
    /// Null means no ACL restriction, which only system work (ingestion, evaluation) may use; every request made on
    /// behalf of a caller sets it.</summary>
    public IReadOnlyCollection<string>? Principals { get; init; }

    public static SearchFilter ForTenant(string tenantId) => new() { TenantId = tenantId };
}

public enum SearchMode
{
    Hybrid,
    Dense,
    Lexical,
}
