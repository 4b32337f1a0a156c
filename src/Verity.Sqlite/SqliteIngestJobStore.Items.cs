using Microsoft.Data.Sqlite;
using Verity.Core.Jobs;

namespace Verity.Sqlite;

/// <summary>An item's life: leased, then completed, retried or quarantined, or cancelled before it ran. Each
/// transition applies only to an item in the state it leaves, so a repeated or late call (a worker whose lease ran
/// out) changes nothing and counts nothing twice.</summary>
public sealed partial class SqliteIngestJobStore
{
    public Task<LeasedItem?> LeaseNextAsync(string workerId, TimeSpan lease, string? jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        return WriteAsync<LeasedItem?>("lease a job item", async connection =>
        {
            var now = _time.GetUtcNow();
            var until = now + lease;
            long id;
            string job;
            bool wasRetrying;
            await using (var pick = connection.CreateCommand())
            {
                // The oldest of three candidates, each the first of its index range, so the queue is never sorted. An
                // item waits while an earlier item of the same document has not ended, so that a document's updates
                // and deletes land in the order they were enqueued, whatever the number of workers. The index is
                // named: left to itself, the planner may walk the whole table in id order to skip a small sort.
                var (index, inJob) = jobId is null
                    ? ("ingest_job_items_due", "")
                    : ("ingest_job_items_by_job", " AND i.job_id = $job");
                const string First = """
                    NOT EXISTS (SELECT 1 FROM ingest_job_items e
                        WHERE e.tenant_id = i.tenant_id AND e.document_id = i.document_id AND e.state IN ('pending', 'running') AND e.id < i.id)
                    """;
                pick.CommandText = $"""
                    SELECT id, state, attempts, job_id FROM ingest_job_items WHERE id = (
                        SELECT min(id) FROM (
                            SELECT * FROM (SELECT i.id FROM ingest_job_items i INDEXED BY {index}
                                WHERE i.state = 'pending' AND i.next_attempt_at IS NULL{inJob} AND {First} ORDER BY i.id LIMIT 1)
                            UNION ALL
                            SELECT * FROM (SELECT i.id FROM ingest_job_items i INDEXED BY {index}
                                WHERE i.state = 'pending' AND i.next_attempt_at <= $now{inJob} AND {First} ORDER BY i.id LIMIT 1)
                            UNION ALL
                            SELECT * FROM (SELECT i.id FROM ingest_job_items i INDEXED BY {index}
                                WHERE i.state = 'running' AND i.lease_until < $now{inJob} AND {First} ORDER BY i.id LIMIT 1)))
                    """;
                pick.Parameters.AddWithValue("$now", Sql.Timestamp(now));
                if (jobId is not null)
                {
                    pick.Parameters.AddWithValue("$job", jobId);
                }

                await using var reader = await pick.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                id = reader.GetInt64(0);
                wasRetrying = reader.GetString(1) == "pending" && reader.GetInt32(2) > 0;
                job = reader.GetString(3);
            }

            await using (var take = connection.CreateCommand())
            {
                take.CommandText = """
                    UPDATE ingest_job_items SET state = 'running', lease_owner = $worker, lease_until = $until,
                        attempts = attempts + 1, next_attempt_at = NULL, updated_at = $now
                    WHERE id = $id;
                    UPDATE ingest_jobs SET state = CASE WHEN state = 'queued' THEN 'running' ELSE state END,
                        started_at = coalesce(started_at, $now), retrying = retrying - $wasRetrying
                    WHERE id = $job;
                    """;
                take.Parameters.AddWithValue("$worker", workerId);
                take.Parameters.AddWithValue("$until", Sql.Timestamp(until));
                take.Parameters.AddWithValue("$now", Sql.Timestamp(now));
                take.Parameters.AddWithValue("$id", id);
                take.Parameters.AddWithValue("$job", job);
                take.Parameters.AddWithValue("$wasRetrying", wasRetrying ? 1 : 0);
                await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var read = connection.CreateCommand();
            read.CommandText = $"""
                SELECT {JobRows.ItemColumns}, j.source, j.kind, i.content, j.trace_parent, j.trace_state
                FROM ingest_job_items i JOIN ingest_jobs j ON j.id = i.job_id
                WHERE i.id = $id
                """;
            read.Parameters.AddWithValue("$id", id);
            await using var row = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await row.ReadAsync(cancellationToken).ConfigureAwait(false);
            var column = JobRows.ItemColumnCount;
            // The cast matters: a bare null would convert through byte[] into an empty, non-null memory.
            var content = row.IsDBNull(column + 2) ? (ReadOnlyMemory<byte>?)null : (byte[])row.GetValue(column + 2);
            return new LeasedItem(JobRows.ReadItem(row), row.GetString(column), row.GetString(column + 1), content, until)
            {
                TraceParent = row.IsDBNull(column + 3) ? null : row.GetString(column + 3),
                TraceState = row.IsDBNull(column + 4) ? null : row.GetString(column + 4),
            };
        }, cancellationToken);
    }

    public Task CompleteItemAsync(long itemId, JobItemOutcome outcome, int chunks, long bytesRead, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunks);
        ArgumentOutOfRangeException.ThrowIfNegative(bytesRead);
        var counter = JobVocabulary.Text(outcome);
        return WriteAsync("complete the job item", async connection =>
        {
            var now = Sql.Timestamp(_time.GetUtcNow());
            if (await EndItemAsync(connection, itemId, "succeeded", counter, error: null, now, cancellationToken).ConfigureAwait(false)
                is not { } ended)
            {
                Log.ItemTransitionIgnored(_logger, "completion", itemId);
                return false;
            }

            await using (var count = connection.CreateCommand())
            {
                // The column name comes from JobVocabulary.Text(outcome), never from input.
                count.CommandText = $"""
                    UPDATE ingest_jobs SET done = done + 1, {counter} = {counter} + 1, chunks = chunks + $chunks, bytes = bytes + $bytes
                    WHERE id = $job
                    """;
                count.Parameters.AddWithValue("$chunks", chunks);
                count.Parameters.AddWithValue("$bytes", Math.Max(ended.Bytes, bytesRead));
                count.Parameters.AddWithValue("$job", ended.Job);
                await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await FinishIfDoneAsync(connection, ended.Job, now, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task RetryItemAsync(long itemId, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return WriteAsync("schedule the job item's retry", async connection =>
        {
            var now = Sql.Timestamp(_time.GetUtcNow());
            await using var retry = connection.CreateCommand();
            // The item of a job cancelled while it ran does not run again: it ends as cancelled instead.
            retry.CommandText = $"""
                UPDATE ingest_job_items SET state = 'pending', error = $error, next_attempt_at = $next,
                    lease_owner = NULL, lease_until = NULL, updated_at = $now
                WHERE id = $id AND state = 'running'
                  AND (SELECT state FROM ingest_jobs j WHERE j.id = job_id) <> '{JobVocabulary.Cancelled}'
                RETURNING job_id
                """;
            retry.Parameters.AddWithValue("$error", error);
            retry.Parameters.AddWithValue("$next", Sql.Timestamp(nextAttemptAt));
            retry.Parameters.AddWithValue("$now", now);
            retry.Parameters.AddWithValue("$id", itemId);
            if (await retry.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string job)
            {
                await using var count = connection.CreateCommand();
                count.CommandText = "UPDATE ingest_jobs SET retrying = retrying + 1 WHERE id = $job";
                count.Parameters.AddWithValue("$job", job);
                await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }

            if (await EndItemAsync(connection, itemId, JobVocabulary.Cancelled, outcome: null, JobVocabulary.Cancelled, now, cancellationToken).ConfigureAwait(false)
                is { } cancelled)
            {
                await FinishIfDoneAsync(connection, cancelled.Job, now, cancellationToken).ConfigureAwait(false);
                return true;
            }

            Log.ItemTransitionIgnored(_logger, "retry", itemId);
            return false;
        }, cancellationToken);
    }

    public Task QuarantineItemAsync(long itemId, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return WriteAsync("quarantine the job item", async connection =>
        {
            var now = Sql.Timestamp(_time.GetUtcNow());
            if (await EndItemAsync(connection, itemId, "quarantined", outcome: null, reason, now, cancellationToken).ConfigureAwait(false)
                is not { } ended)
            {
                Log.ItemTransitionIgnored(_logger, "quarantine", itemId);
                return false;
            }

            await using (var count = connection.CreateCommand())
            {
                count.CommandText = "UPDATE ingest_jobs SET done = done + 1, quarantined = quarantined + 1 WHERE id = $job";
                count.Parameters.AddWithValue("$job", ended.Job);
                await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await FinishIfDoneAsync(connection, ended.Job, now, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<bool> CancelJobAsync(string tenantId, string jobId, CancellationToken cancellationToken) =>
        WriteAsync("cancel the job", async connection =>
        {
            var now = Sql.Timestamp(_time.GetUtcNow());
            await using var cancel = connection.CreateCommand();
            cancel.CommandText = $"""
                UPDATE ingest_jobs SET state = '{JobVocabulary.Cancelled}'
                WHERE tenant_id = $tenant AND id = $job AND state IN ('queued', 'running')
                """;
            cancel.Parameters.AddWithValue("$tenant", tenantId);
            cancel.Parameters.AddWithValue("$job", jobId);
            if (await cancel.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }

            // Pending items (waiting for their first attempt or for a retry) will not run; running ones finish.
            cancel.CommandText = $"""
                UPDATE ingest_job_items SET state = '{JobVocabulary.Cancelled}', error = '{JobVocabulary.Cancelled}', next_attempt_at = NULL,
                    content = NULL, updated_at = $now
                WHERE job_id = $job AND state = 'pending';
                """;
            cancel.Parameters.AddWithValue("$now", now);
            var ended = await cancel.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            cancel.CommandText = "UPDATE ingest_jobs SET retrying = 0 WHERE id = $job";
            await cancel.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await FinishIfDoneAsync(connection, jobId, now, cancellationToken).ConfigureAwait(false);
            Log.JobCancelled(_logger, jobId, ended);
            return true;
        }, cancellationToken);

    /// <summary>Ends a running item (its content goes: the row stays, the bytes do not) and returns its job and
    /// size; null when the item is not running, i.e. someone else already moved it on.</summary>
    private static async Task<(string Job, long Bytes)?> EndItemAsync(
        SqliteConnection connection, long itemId, string state, string? outcome, string? error, string now,
        CancellationToken cancellationToken)
    {
        await using var end = connection.CreateCommand();
        end.CommandText = """
            UPDATE ingest_job_items SET state = $state, outcome = $outcome, error = $error, content = NULL,
                lease_owner = NULL, lease_until = NULL, next_attempt_at = NULL, updated_at = $now
            WHERE id = $id AND state = 'running'
            RETURNING job_id, bytes
            """;
        end.Parameters.AddWithValue("$state", state);
        end.Parameters.AddWithValue("$outcome", Sql.Nullable(outcome));
        end.Parameters.AddWithValue("$error", Sql.Nullable(error));
        end.Parameters.AddWithValue("$now", now);
        end.Parameters.AddWithValue("$id", itemId);
        await using var reader = await end.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    /// <summary>Closes the job once none of its items is pending or running: succeeded, completed with errors when
    /// any was quarantined; a cancelled job stays cancelled and only gets its end time.</summary>
    private static async Task FinishIfDoneAsync(SqliteConnection connection, string jobId, string now, CancellationToken cancellationToken)
    {
        await using var finish = connection.CreateCommand();
        finish.CommandText = $"""
            UPDATE ingest_jobs SET finished_at = $now, state = CASE
                WHEN state = '{JobVocabulary.Cancelled}' THEN state
                WHEN quarantined > 0 THEN 'completed_with_errors'
                ELSE 'succeeded' END
            WHERE id = $job AND finished_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM ingest_job_items WHERE job_id = $job AND state IN ('pending', 'running'))
            """;
        finish.Parameters.AddWithValue("$now", now);
        finish.Parameters.AddWithValue("$job", jobId);
        await finish.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
