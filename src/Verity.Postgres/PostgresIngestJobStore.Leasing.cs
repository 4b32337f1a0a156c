using Npgsql;
using Verity.Core.Jobs;

namespace Verity.Postgres;

/// <summary>Handing out the next due item. Leases span tenants (the worker serves all of them), so they run in the
/// system scope.</summary>
public sealed partial class PostgresIngestJobStore
{
    // One round trip: pick, take and start the job. The pick locks its row with SKIP LOCKED, so concurrent leases pass
    // over each other's candidates instead of queueing behind them; a candidate that another lease took (or someone
    // ended) since this statement's snapshot is re-checked against its new version and passed over. An item waits
    // while an earlier item of the same document has not ended, so a document's updates and deletes land in the order
    // they were enqueued, and two items of one document never run at once: the later one cannot start until the
    // earlier one has ended, and an ended item never runs again. (The check is a scalar subquery, not NOT EXISTS, so
    // that it stays a probe of the document index per candidate instead of becoming a join over the whole queue.)
    //
    // A lease never waits for a lock. It may hold item rows it locked and then passed over, and an item's end holds
    // its item while it waits for the job row, so a lease that waited for a job row could deadlock with one. The job
    // row is touched only to start the job, and skipped when locked: whoever holds it is starting the job too, or
    // ending one of its items (so it has started, and the end marks it running anyway), or cancelling it.
    private static readonly string LeaseAnySql = LeaseSql("", "i.id");

    // The job is a range of one, not an equality: with an equality the planner may walk the whole queue in id order
    // hoping to meet the job's items early; the range makes the (job_id, id) index the one that yields the order.
    private static readonly string LeaseInJobSql = LeaseSql(" AND i.job_id >= @job AND i.job_id <= @job", "i.job_id, i.id");

    // The planner is told to walk an index in queue order and stop at the first item it can take. Its statistics
    // are usually wrong for a queue (a burst of thousands of pending items in a table of finished ones, or a table no
    // ANALYZE has seen yet), and with them it prefers to collect every queued item, check each, and sort: hundreds of
    // milliseconds per lease where the walk takes a fraction of one. SET LOCAL ends with the lease's transaction.
    private static string LeaseSql(string inJob, string order) => $"""
        SET LOCAL enable_seqscan = off;
        SET LOCAL enable_bitmapscan = off;
        SET LOCAL enable_sort = off;
        WITH picked AS (
            SELECT i.id, i.state, i.lease_owner
            FROM ingest_job_items i
            WHERE i.state IN ('pending', 'running'){inJob}
              AND (i.state = 'pending' AND (i.next_attempt_at IS NULL OR i.next_attempt_at <= @now)
                   OR i.state = 'running' AND i.lease_until < @now)
              AND i.id = (SELECT min(e.id) FROM ingest_job_items e
                  WHERE e.tenant_id = i.tenant_id AND e.document_id = i.document_id AND e.state IN ('pending', 'running'))
            ORDER BY {order}
            LIMIT 1
            FOR UPDATE OF i SKIP LOCKED
        ),
        taken AS (
            UPDATE ingest_job_items t SET state = 'running', lease_owner = @worker, lease_until = @until,
                attempts = t.attempts + 1, next_attempt_at = NULL, updated_at = @now
            FROM picked WHERE t.id = picked.id
            RETURNING t.*, picked.state AS previous_state, picked.lease_owner AS previous_owner
        ),
        started AS (
            UPDATE ingest_jobs s SET state = CASE WHEN s.state = 'queued' THEN 'running' ELSE s.state END,
                started_at = coalesce(s.started_at, @now)
            WHERE s.id IN (SELECT f.id FROM ingest_jobs f JOIN taken ON f.id = taken.job_id
                WHERE f.state = 'queued' OR f.started_at IS NULL
                FOR NO KEY UPDATE OF f SKIP LOCKED)
        )
        SELECT {JobRows.ItemColumns("taken")}, j.source, j.kind, taken.content, taken.previous_state, taken.previous_owner,
            j.trace_parent, j.trace_state
        FROM taken JOIN ingest_jobs j ON j.id = taken.job_id
        """;

    public async Task<LeasedItem?> LeaseNextAsync(string workerId, TimeSpan lease, string? jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var sql = jobId is null ? LeaseAnySql : LeaseInJobSql;
        var leased = await _database.ExecuteAsync(DbScope.System, "lease a job item", async (connection, ct) =>
        {
            var now = _time.GetUtcNow();
            var until = now + lease;
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("now", now.UtcDateTime);
            command.Parameters.AddWithValue("until", until.UtcDateTime);
            command.Parameters.AddWithValue("worker", workerId);
            if (jobId is not null)
            {
                command.Parameters.AddWithValue("job", jobId);
            }

            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (reader.FieldCount == 0 && await reader.NextResultAsync(ct).ConfigureAwait(false))
            {
                // Past the planner settings, to the lease's row.
            }

            if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                return null;
            }

            var column = JobRows.ItemColumnCount;
            // The cast matters: a bare null would convert through byte[] into an empty, non-null memory.
            var content = reader.IsDBNull(column + 2) ? (ReadOnlyMemory<byte>?)null : reader.GetFieldValue<byte[]>(column + 2);
            var item = new LeasedItem(JobRows.ReadItem(reader), reader.GetString(column), reader.GetString(column + 1), content, until)
            {
                TraceParent = reader.IsDBNull(column + 5) ? null : reader.GetString(column + 5),
                TraceState = reader.IsDBNull(column + 6) ? null : reader.GetString(column + 6),
            };
            var takenOverFrom = reader.GetString(column + 3) == "running" && !reader.IsDBNull(column + 4) ? reader.GetString(column + 4) : null;
            return new Lease(item, takenOverFrom);
        }, cancellationToken).ConfigureAwait(false);

        if (leased?.TakenOverFrom is { } previous)
        {
            Log.LeaseTakenOver(_logger, leased.Item.Item.Id, leased.Item.Item.Attempts, previous);
        }

        return leased?.Item;
    }

    private sealed record Lease(LeasedItem Item, string? TakenOverFrom);
}
