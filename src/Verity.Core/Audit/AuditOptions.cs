namespace Verity.Core.Audit;

/// <summary>Bound from <c>Verity:Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>Record <c>sha256:…</c> of each query instead of its text, for logs that must not hold what users
    /// asked but must still prove (by hashing a candidate text) whether a given query was asked.</summary>
    public bool HashQueries { get; set; }
}
