namespace Verity.Postgres;

/// <summary>
/// Whose rows a transaction may touch. It is written into the transaction with <c>set_config(..., true)</c> before
/// any statement runs, and the row-level security policies read it back, so a query that forgets its own tenant
/// predicate still cannot reach another tenant's rows (or, when <see cref="Principals"/> is set, a document the
/// caller may not read).
/// </summary>
public readonly record struct DbScope
{
    private DbScope(string? tenantId, IReadOnlyCollection<string>? principals, bool allTenants)
    {
        TenantId = tenantId;
        Principals = principals;
        AllTenants = allTenants;
    }

    /// <summary>The one tenant whose rows are visible; null only for <see cref="AllTenants"/>.</summary>
    public string? TenantId { get; }

    /// <summary>When set, only documents (and their chunks) whose ACL is public or names one of these principals are
    /// visible. Null means no ACL restriction: system work (ingestion, job processing).</summary>
    public IReadOnlyCollection<string>? Principals { get; }

    /// <summary>Every tenant's rows: only for system work that spans tenants by design (the worker leasing the
    /// next item of any tenant, recovery, retention, migrations, API key lookup by id).</summary>
    public bool AllTenants { get; }

    /// <summary>One tenant's rows, without an ACL restriction (system work for that tenant).</summary>
    public static DbScope Tenant(string tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return new DbScope(tenantId, null, allTenants: false);
    }

    /// <summary>One tenant's rows, restricted to documents <paramref name="principals"/> may read; null principals
    /// means no ACL restriction.</summary>
    public static DbScope Tenant(string tenantId, IReadOnlyCollection<string>? principals)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return new DbScope(tenantId, principals, allTenants: false);
    }

    /// <summary>Every tenant's rows (see <see cref="AllTenants"/>).</summary>
    public static DbScope System { get; } = new(null, null, allTenants: true);

    /// <summary>The principals as the policies read them: '' for "no restriction", otherwise the principals joined
    /// by U+001F (which no principal contains) and prefixed with it, so a caller with no principals is "\u001f" and
    /// matches only public documents.</summary>
    internal string PrincipalsSetting => Principals is null ? "" : "\u001f" + string.Join('\u001f', Principals);
}
