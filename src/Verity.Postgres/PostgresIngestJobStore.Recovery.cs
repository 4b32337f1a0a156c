using Npgsql;

namespace Verity.Postgres;

/// <summary>Crash recovery (a process that starts after another died hands the dead one's leases back at once) and
/// retention. Both span tenants, so they run in the system scope.</summary>
public sealed partial class PostgresIngestJobStore
{
    public Task<IReadOnlyList<string>> ListLeaseOwnersAsync(CancellationToken cancellationToken) =>
        _database.ExecuteAsync<IReadOnlyList<string>>(DbScope.System, "list the lease owners", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT DISTINCT lease_owner FROM ingest_job_items WHERE state = 'running' AND lease_owner IS NOT NULL", connection);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var owners = new List<string>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                owners.Add(reader.GetString(0));
            }

            return owners;
        }, cancellationToken);

    public Task<bool> ExtendLeaseAsync(long itemId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return _database.ExecuteAsync(DbScope.System, "extend the lease", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("""
                UPDATE ingest_job_items SET lease_until = @until
                WHERE id = @id AND state = 'running' AND lease_owner = @owner AND lease_until > @now
                """, connection);
            command.Parameters.AddWithValue("until", leaseUntil.UtcDateTime);
            command.Parameters.AddWithValue("id", itemId);
            command.Parameters.AddWithValue("owner", owner);
            command.Parameters.AddWithValue("now", _time.GetUtcNow().UtcDateTime);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    public Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return _database.ExecuteAsync(DbScope.System, "release the leases", async (connection, ct) =>
        {
            // An expired lease is what LeaseNextAsync already takes over; the attempt it started stays counted.
            await using var command = new NpgsqlCommand("""
                UPDATE ingest_job_items SET lease_until = @expired, updated_at = @now
                WHERE state = 'running' AND lease_owner = @owner
                """, connection);
            command.Parameters.AddWithValue("expired", DateTimeOffset.UnixEpoch.UtcDateTime);
            command.Parameters.AddWithValue("now", _time.GetUtcNow().UtcDateTime);
            command.Parameters.AddWithValue("owner", owner);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<int> PruneFinishedJobsAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken) =>
        _database.ExecuteAsync(DbScope.System, "prune finished jobs", async (connection, ct) =>
        {
            // The items go with their job (ON DELETE CASCADE); unfinished jobs and checkpoints stay.
            await using var command = new NpgsqlCommand(
                "DELETE FROM ingest_jobs WHERE finished_at IS NOT NULL AND finished_at < @before", connection);
            command.Parameters.AddWithValue("before", finishedBefore.UtcDateTime);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
}
