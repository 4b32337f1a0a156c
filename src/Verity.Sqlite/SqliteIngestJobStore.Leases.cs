using System.Globalization;
using Verity.Core.Jobs;

namespace Verity.Sqlite;

/// <summary>Crash recovery: a process that starts after another one died hands the dead one's leases back at once.</summary>
public sealed partial class SqliteIngestJobStore
{
    public Task<IReadOnlyList<string>> ListLeaseOwnersAsync(CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<string>>("list the lease owners", async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT lease_owner FROM ingest_job_items WHERE state = 'running' AND lease_owner IS NOT NULL";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var owners = new List<string>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                owners.Add(reader.GetString(0));
            }

            return owners;
        }, cancellationToken);

    public Task<int> PruneFinishedJobsAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken) =>
        WriteAsync("prune finished jobs", async connection =>
        {
            // Items are deleted explicitly rather than through ON DELETE CASCADE, which depends on the foreign_keys pragma.
            await using var command = connection.CreateCommand();
            command.CommandText = """
                DELETE FROM ingest_job_items WHERE job_id IN
                    (SELECT id FROM ingest_jobs WHERE finished_at IS NOT NULL AND finished_at < $before);
                DELETE FROM ingest_jobs WHERE finished_at IS NOT NULL AND finished_at < $before;
                SELECT changes();
                """;
            command.Parameters.AddWithValue("$before", Sql.Timestamp(finishedBefore));
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }, cancellationToken);

    public Task<bool> ExtendLeaseAsync(long itemId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync("extend the lease", async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE ingest_job_items SET lease_until = $until
                WHERE id = $id AND state = 'running' AND lease_owner = $owner AND lease_until > $now
                """;
            command.Parameters.AddWithValue("$until", Sql.Timestamp(leaseUntil));
            command.Parameters.AddWithValue("$id", itemId);
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$now", Sql.Timestamp(_time.GetUtcNow()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    public Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync("release the leases", async connection =>
        {
            // An expired lease is what LeaseNextAsync already takes over; the attempt it started stays counted.
            await using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE ingest_job_items SET lease_until = $expired, updated_at = $now
                WHERE state = 'running' AND lease_owner = $owner
                """;
            command.Parameters.AddWithValue("$expired", Sql.Timestamp(DateTimeOffset.UnixEpoch));
            command.Parameters.AddWithValue("$now", Sql.Timestamp(_time.GetUtcNow()));
            command.Parameters.AddWithValue("$owner", owner);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }
}
