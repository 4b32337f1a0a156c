using Microsoft.Data.Sqlite;
using Verity.Core;

namespace Verity.Sqlite;

/// <summary>The tenant's index version: a counter per tenant in <c>index_versions</c>, moved by every applied write
/// in the write's own transaction; and the newest change of any tenant, for the staleness gauge.</summary>
public sealed partial class SqliteIndexStore
{
    public async Task<IndexVersion> GetIndexVersionAsync(string tenantId, CancellationToken cancellationToken)
    {
        var live = Live;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce((SELECT changes FROM index_versions WHERE tenant_id = $tenant), 0)";
        command.Parameters.AddWithValue("$tenant", tenantId);
        try
        {
            var changes = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return new IndexVersion(live.Id, changes) { GenerationCreatedAt = live.CreatedAt };
        }
        catch (SqliteException e)
        {
            throw Translate(e, "read the index version");
        }
    }

    // The staleness gauge's read: a timestamp, never a tenant. index_versions holds one short row per tenant ever
    // written, so the max reads that many rows, however many documents there are. Only a file migrated from schema 4
    // and not written since has no changed_at yet: its documents' update times stand in until the first write.
    public async Task<DateTimeOffset?> GetLastChangeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var last = await ScalarAsync<string>(
                connection,
                "SELECT coalesce((SELECT max(changed_at) FROM index_versions), (SELECT max(updated_at) FROM documents))",
                cancellationToken).ConfigureAwait(false);
            return last is null ? null : ParseTimestamp(last);
        }
        catch (SqliteException e)
        {
            throw Translate(e, "read the last index change");
        }
    }

    // Both counters move inside the caller's write transaction, so no reader sees the write without the count or the
    // count without the write: change_counter invalidates this process's permission sets, the tenant's index_versions
    // row whatever was cached on GetIndexVersionAsync (in any process). The row also dates the change (deletes too)
    // for the statistics and the staleness gauge; it never moves back, whatever another process's clock says.
    private static async Task BumpChangeCountersAsync(SqliteConnection connection, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE schema_info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'change_counter';
            INSERT INTO index_versions(tenant_id, changes, changed_at) VALUES ($tenant, 1, $now)
            ON CONFLICT(tenant_id) DO UPDATE SET changes = changes + 1, changed_at = max(coalesce(changed_at, ''), excluded.changed_at);
            """;
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$now", Timestamp(DateTimeOffset.UtcNow));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
