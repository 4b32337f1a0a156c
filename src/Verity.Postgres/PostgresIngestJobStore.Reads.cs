using System.Globalization;
using Npgsql;
using Verity.Core;
using Verity.Core.Jobs;

namespace Verity.Postgres;

/// <summary>Listing jobs, items and the quarantine, and the queue depth. Tenant reads run in the tenant's scope, so
/// row-level security holds even where a query's own tenant predicate would not.</summary>
public sealed partial class PostgresIngestJobStore
{
    public Task<IngestJobPage> ListJobsAsync(string tenantId, int limit, string? after, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        CheckLimit(limit);
        return _database.ExecuteAsync(DbScope.Tenant(tenantId), "list the jobs", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand { Connection = connection };
            var page = "";
            if (after is not null)
            {
                command.CommandText = "SELECT created_at FROM ingest_jobs WHERE tenant_id = @tenant AND id = @after";
                command.Parameters.AddWithValue("tenant", tenantId);
                command.Parameters.AddWithValue("after", after);
                var afterCreated = await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as DateTime?
                    ?? throw new InvalidRequestException("The page cursor is invalid.", "after");
                command.Parameters.Clear();
                command.Parameters.AddWithValue("afterCreated", afterCreated);
                command.Parameters.AddWithValue("after", after);
                page = " AND (j.created_at, j.id) < (@afterCreated, @after)";
            }

            command.CommandText = $"""
                SELECT {JobRows.JobColumns} FROM ingest_jobs j
                WHERE j.tenant_id = @tenant{page}
                ORDER BY j.created_at DESC, j.id DESC
                LIMIT @limit
                """;
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.AddWithValue("limit", limit + 1);
            var jobs = await ReadJobsAsync(command, ct).ConfigureAwait(false);
            string? next = null;
            if (jobs.Count > limit)
            {
                jobs.RemoveAt(jobs.Count - 1);
                next = jobs[^1].Id;
            }

            return new IngestJobPage(jobs, next);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<IngestJob>> ListUnfinishedJobsAsync(CancellationToken cancellationToken) =>
        _database.ExecuteAsync<IReadOnlyList<IngestJob>>(DbScope.System, "list the unfinished jobs", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                SELECT {JobRows.JobColumns} FROM ingest_jobs j
                WHERE j.id IN (SELECT job_id FROM ingest_job_items WHERE state IN {JobRows.Queued})
                ORDER BY j.created_at, j.id
                """, connection);
            return await ReadJobsAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IReadOnlyList<JobItem>> ListItemsAsync(
        string tenantId, string jobId, JobItemState? state, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        CheckLimit(limit);
        // Cancelled items read back as quarantined, so they are listed with them.
        var filter = state switch
        {
            null => "",
            JobItemState.Quarantined => $" AND i.state IN ('quarantined', '{JobVocabulary.Cancelled}')",
            { } wanted => $" AND i.state = '{JobVocabulary.Text(wanted)}'",
        };
        return _database.ExecuteAsync<IReadOnlyList<JobItem>>(DbScope.Tenant(tenantId), "list the job's items", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                SELECT {JobRows.ItemColumns("i")} FROM ingest_job_items i
                WHERE i.job_id = @job AND i.tenant_id = @tenant{filter}
                ORDER BY i.seq
                LIMIT @limit
                """, connection);
            command.Parameters.AddWithValue("job", jobId);
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.AddWithValue("limit", limit);
            return await ReadItemsAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<JobItem>> ListQuarantineAsync(string tenantId, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        CheckLimit(limit);
        return _database.ExecuteAsync<IReadOnlyList<JobItem>>(DbScope.Tenant(tenantId), "list the quarantine", async (connection, ct) =>
        {
            // Only items that failed: cancelled ones never ran, and there is nothing in them to fix.
            await using var command = new NpgsqlCommand($"""
                SELECT {JobRows.ItemColumns("i")} FROM ingest_job_items i
                WHERE i.tenant_id = @tenant AND i.state = 'quarantined'
                ORDER BY i.updated_at DESC, i.id DESC
                LIMIT @limit
                """, connection);
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.AddWithValue("limit", limit);
            return await ReadItemsAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<int> CountQueuedItemsAsync(string? tenantId, CancellationToken cancellationToken) =>
        _database.ExecuteAsync(
            tenantId is null ? DbScope.System : DbScope.Tenant(tenantId), "count the queued items", async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    $"SELECT count(*) FROM ingest_job_items WHERE state IN {JobRows.Queued}" + (tenantId is null ? "" : " AND tenant_id = @tenant"),
                    connection);
                if (tenantId is not null)
                {
                    command.Parameters.AddWithValue("tenant", tenantId);
                }

                return Convert.ToInt32(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
            }, cancellationToken);

    private static void CheckLimit(int limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw new InvalidRequestException($"The page size must be between 1 and {MaxLimit}.", "limit");
        }
    }
}
