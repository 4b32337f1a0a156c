namespace Verity.Core.Audit;

/// <summary>
/// The append-only audit log. Records are never changed or removed through this port (the SQLite and PostgreSQL
/// adapters also refuse it in the database). Every read is scoped to one tenant.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends <paramref name="record"/> and returns it with its <see cref="AuditRecord.Id"/>.</summary>
    Task<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>One page of the tenant's records matching <paramref name="query"/>, ordered by time (then id),
    /// oldest first unless <see cref="AuditQuery.NewestFirst"/>; <see cref="AuditPage.Next"/> continues it.</summary>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken);
}

public sealed record AuditQuery
{
    public required string TenantId { get; init; }

    /// <summary>Inclusive lower bound on <see cref="AuditRecord.At"/>.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound on <see cref="AuditRecord.At"/>.</summary>
    public DateTimeOffset? To { get; init; }

    public string? UserId { get; init; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public string? Action { get; init; }

    public int Limit { get; init; } = 100;

    /// <summary>Opaque continuation token from the previous page (of the same query).</summary>
    public string? After { get; init; }

    public bool NewestFirst { get; init; }
}

public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, string? Next);
