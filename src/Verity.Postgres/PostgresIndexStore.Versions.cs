using Npgsql;
using NpgsqlTypes;
using Verity.Core;

namespace Verity.Postgres;

/// <summary>The tenant's index version: a row per tenant in <c>index_versions</c>, moved by every applied write in the
/// write's own transaction (migration 004).</summary>
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

    /// <summary>Adds one to the tenant's version. It must be the last statement before the commit: concurrent writers
    /// of the tenant queue on this row's lock, which is then held for the commit only, not for the whole write.</summary>
    private static NpgsqlBatchCommand BumpVersionCommand(string tenantId)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO index_versions AS v (tenant_id, changes) VALUES (@tenant, 1)
            ON CONFLICT (tenant_id) DO UPDATE SET changes = v.changes + 1
            """);
        command.Parameters.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = tenantId });
        return command;
    }
}
