using Microsoft.Data.Sqlite;
using Verity.Core;

namespace Verity.Sqlite;

/// <summary>The tenant's index version: a counter per tenant in <c>index_versions</c>, moved by every applied write
/// in the write's own transaction.</summary>
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

    // Both counters move inside the caller's write transaction, so no reader sees the write without the count or the
    // count without the write: change_counter invalidates this process's permission sets, the tenant's index_versions
    // row whatever was cached on GetIndexVersionAsync (in any process).
    private static async Task BumpChangeCountersAsync(SqliteConnection connection, string tenantId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE schema_info SET value = CAST(value AS INTEGER) + 1 WHERE key = 'change_counter';
            INSERT INTO index_versions(tenant_id, changes) VALUES ($tenant, 1)
            ON CONFLICT(tenant_id) DO UPDATE SET changes = changes + 1;
            """;
        command.Parameters.AddWithValue("$tenant", tenantId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
