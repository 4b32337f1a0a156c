using Npgsql;
using NpgsqlTypes;
using Verity.Core;

namespace Verity.Postgres;

/// <summary>The tenant's index version: a row per tenant in <c>index_versions</c>, moved by every applied write in the
/// write's own transaction (migration 004); and the newest change of any tenant, for the staleness gauge.</summary>
public sealed partial class PostgresIndexStore
{
    // The generation is the one this instance reads and writes (as GetStatisticsAsync reports it), not whatever the
    // database calls live now: answers cached on the version must have been built from the generation it names.
    public async Task<IndexVersion> GetIndexVersionAsync(string tenantId, CancellationToken cancellationToken)
    {
        var live = Live;
        var changes = await _database.ExecuteAsync(DbScope.Tenant(tenantId), "read the index version", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT coalesce((SELECT changes FROM index_versions WHERE tenant_id = @tenant), 0)", connection);
            command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = tenantId });
            return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);
        return new IndexVersion(live.Id, changes) { GenerationCreatedAt = live.CreatedAt };
    }

    // The staleness gauge's read spans tenants, so it runs in the system scope (row-level security would otherwise show
    // no row at all); it returns a timestamp, never a tenant. index_versions holds one short row per tenant ever
    // written, so the max reads that many rows, however many documents there are (an index on changed_at would cost
    // every write an index update, where the bump is now a HOT update, to save a scan of a few pages). Only a database
    // migrated to 005 and not written since has no changed_at yet: its documents' update times stand in until then.
    public Task<DateTimeOffset?> GetLastChangeAsync(CancellationToken cancellationToken) =>
        _database.ExecuteAsync(DbScope.System, "read the last index change", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT coalesce((SELECT max(changed_at) FROM index_versions), (SELECT max(updated_at) FROM documents))", connection);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            return reader.IsDBNull(0) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(0);
        }, cancellationToken);

    /// <summary>Adds one to the tenant's version and dates the change (the transaction's time, as the document's
    /// updated_at; never earlier than the stored one, since a writer that started first may commit last). It must be
    /// the last statement before the commit: concurrent writers of the tenant queue on this row's lock, which is then
    /// held for the commit only, not for the whole write.</summary>
    private static NpgsqlBatchCommand BumpVersionCommand(string tenantId)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO index_versions AS v (tenant_id, changes, changed_at) VALUES (@tenant, 1, now())
            ON CONFLICT (tenant_id) DO UPDATE SET changes = v.changes + 1, changed_at = greatest(v.changed_at, excluded.changed_at)
            """);
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = tenantId });
        return command;
    }
}
