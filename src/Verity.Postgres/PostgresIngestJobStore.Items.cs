using Npgsql;
using Verity.Core.Jobs;

namespace Verity.Postgres;

/// <summary>
/// An item's end: completed, retried or quarantined, or cancelled before it ran. Each transition applies only to an
/// item in the state it leaves, so a repeated or late call (a worker whose lease was taken over) changes nothing and
/// counts nothing twice.
/// </summary>
/// <remarks>
/// Locks are taken item first, then job row; the job row is where the ends of one job's items queue, so it is held
/// for one statement and the commit. No cycle can form: a lease never waits for a job row (see <see cref="LeaseSql"/>),
/// and a cancellation, which locks the job row first, never waits for an item row (it passes over locked ones).
/// Because every counted end updates the job row, the counters are exact when it holds the lock: the end that makes
/// <c>done</c> reach <c>total</c> finishes the job in the same statement.
/// </remarks>
public sealed partial class PostgresIngestJobStore
{
    // Closes a job once none of its items is pending or running, for the ends that are not counted (cancelled items):
    // a cancelled job stays cancelled and only gets its end time. Run after the job row is locked, as its own
    // statement, so that its snapshot holds every end committed before the lock was granted.
    private const string FinishSql = $"""
        UPDATE ingest_jobs j SET finished_at = @now
        WHERE j.id = @job AND j.finished_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM ingest_job_items o WHERE o.job_id = j.id AND o.state IN {JobRows.Queued})
        """;

    public Task CompleteItemAsync(long itemId, JobItemOutcome outcome, int chunks, long bytesRead, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunks);
        ArgumentOutOfRangeException.ThrowIfNegative(bytesRead);
        var text = JobVocabulary.Text(outcome);
        return EndItemAsync(
            "complete the job item", "completion", EndAndCountSql(text), itemId, "succeeded", text, error: null, chunks, bytesRead, cancellationToken);
    }

    public Task QuarantineItemAsync(long itemId, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return EndItemAsync(
            "quarantine the job item", "quarantine", EndAndCountSql("quarantined"), itemId, "quarantined", outcome: null, reason, 0, 0, cancellationToken);
    }

    // Ends a running item (its content goes: the row stays, the bytes do not) and counts it in its job; the end that
    // counts the job's last item finishes the job. Returns whether a cancelled job still needs its finish check (its
    // cancelled items are not counted, so the counters cannot tell). The counter column is a constant or
    // JobVocabulary.Text(outcome), never input.
    private static string EndAndCountSql(string counter) => $"""
        WITH ended AS (
            UPDATE ingest_job_items SET state = @state, outcome = @outcome, error = @error, content = NULL,
                lease_owner = NULL, lease_until = NULL, next_attempt_at = NULL, updated_at = @now
            WHERE id = @id AND state = 'running'
            RETURNING job_id, bytes
        )
        UPDATE ingest_jobs j SET done = j.done + 1, {counter} = j.{counter} + 1, chunks = j.chunks + @chunks,
            bytes = j.bytes + greatest(ended.bytes, @bytesRead),
            started_at = coalesce(j.started_at, @now),
            finished_at = CASE WHEN j.done + 1 = j.total THEN @now ELSE j.finished_at END,
            state = CASE
                WHEN j.state = '{JobVocabulary.Cancelled}' THEN j.state
                WHEN j.done + 1 < j.total THEN 'running'
                WHEN j.quarantined > 0 OR @state = 'quarantined' THEN 'completed_with_errors'
                ELSE 'succeeded' END
        FROM ended WHERE j.id = ended.job_id
        RETURNING j.id, j.state = '{JobVocabulary.Cancelled}' AND j.finished_at IS NULL
        """;

    private async Task EndItemAsync(
        string operation, string transition, string sql, long itemId, string state, string? outcome, string? error,
        int chunks, long bytesRead, CancellationToken cancellationToken)
    {
        var applied = await _database.ExecuteAsync(DbScope.System, operation, async (connection, ct) =>
        {
            var now = _time.GetUtcNow().UtcDateTime;
            string job;
            bool check;
            await using (var end = new NpgsqlCommand(sql, connection))
            {
                end.Parameters.AddWithValue("id", itemId);
                end.Parameters.AddWithValue("state", state);
                end.Parameters.AddWithValue("outcome", NpgsqlTypes.NpgsqlDbType.Text, (object?)outcome ?? DBNull.Value);
                end.Parameters.AddWithValue("error", NpgsqlTypes.NpgsqlDbType.Text, (object?)error ?? DBNull.Value);
                end.Parameters.AddWithValue("chunks", chunks);
                end.Parameters.AddWithValue("bytesRead", bytesRead);
                end.Parameters.AddWithValue("now", now);
                await using var reader = await end.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return false;
                }

                job = reader.GetString(0);
                check = reader.GetBoolean(1);
            }

            if (check)
            {
                await FinishIfDoneAsync(connection, job, now, ct).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);

        if (!applied)
        {
            Log.ItemTransitionIgnored(_logger, transition, itemId);
        }
    }

    public async Task RetryItemAsync(long itemId, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        var applied = await _database.ExecuteAsync(DbScope.System, "schedule the job item's retry", async (connection, ct) =>
        {
            var now = _time.GetUtcNow().UtcDateTime;
            string job;
            await using (var retry = new NpgsqlCommand("""
                WITH retried AS (
                    UPDATE ingest_job_items SET state = 'pending', error = @error, next_attempt_at = @next,
                        lease_owner = NULL, lease_until = NULL, updated_at = @now
                    WHERE id = @id AND state = 'running'
                    RETURNING job_id
                )
                SELECT j.id, j.state FROM ingest_jobs j JOIN retried ON j.id = retried.job_id
                FOR NO KEY UPDATE OF j
                """, connection))
            {
                // Locking the job row waits for a cancellation in progress and returns the job's state as it committed.
                // (A shared lock would do for that, but two retries of a cancelled job would then deadlock when each
                // wanted to finish it.)
                retry.Parameters.AddWithValue("error", error);
                retry.Parameters.AddWithValue("next", nextAttemptAt.UtcDateTime);
                retry.Parameters.AddWithValue("now", now);
                retry.Parameters.AddWithValue("id", itemId);
                await using var reader = await retry.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return false;
                }

                job = reader.GetString(0);
                if (reader.GetString(1) != JobVocabulary.Cancelled)
                {
                    return true;
                }
            }

            // The item of a job cancelled while it ran does not run again: it ends as cancelled instead, uncounted (a
            // cancellation leaves running items alone, and passes over one that a retry holds).
            await using (var end = new NpgsqlCommand($"""
                UPDATE ingest_job_items SET state = '{JobVocabulary.Cancelled}', error = '{JobVocabulary.Cancelled}', next_attempt_at = NULL,
                    content = NULL, updated_at = @now
                WHERE id = @id
                """, connection))
            {
                end.Parameters.AddWithValue("now", now);
                end.Parameters.AddWithValue("id", itemId);
                await end.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await FinishIfDoneAsync(connection, job, now, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

        if (!applied)
        {
            Log.ItemTransitionIgnored(_logger, "retry", itemId);
        }
    }

    public async Task<bool> CancelJobAsync(string tenantId, string jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var ended = await _database.ExecuteAsync(DbScope.Tenant(tenantId), "cancel the job", async (connection, ct) =>
        {
            var now = _time.GetUtcNow().UtcDateTime;
            await using (var cancel = new NpgsqlCommand($"""
                UPDATE ingest_jobs SET state = '{JobVocabulary.Cancelled}'
                WHERE tenant_id = @tenant AND id = @job AND state IN ('queued', 'running')
                """, connection))
            {
                cancel.Parameters.AddWithValue("tenant", tenantId);
                cancel.Parameters.AddWithValue("job", jobId);
                if (await cancel.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
                {
                    return (int?)null;
                }
            }

            // Pending items (waiting for their first attempt or for a retry) will not run; running ones finish. An
            // item another transaction holds is passed over rather than waited for: a lease taking it (it runs and
            // ends like the running ones), or a retry putting it back (which then sees the job cancelled and ends it).
            int count;
            await using (var items = new NpgsqlCommand($"""
                UPDATE ingest_job_items SET state = '{JobVocabulary.Cancelled}', error = '{JobVocabulary.Cancelled}', next_attempt_at = NULL,
                    content = NULL, updated_at = @now
                WHERE id IN (SELECT id FROM ingest_job_items
                    WHERE job_id = @job AND tenant_id = @tenant AND state = 'pending' FOR UPDATE SKIP LOCKED)
                """, connection))
            {
                items.Parameters.AddWithValue("job", jobId);
                items.Parameters.AddWithValue("tenant", tenantId);
                items.Parameters.AddWithValue("now", now);
                count = await items.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await FinishIfDoneAsync(connection, jobId, now, ct).ConfigureAwait(false);
            return count;
        }, cancellationToken).ConfigureAwait(false);

        if (ended is not { } cancelled)
        {
            return false;
        }

        Log.JobCancelled(_logger, jobId, cancelled);
        return true;
    }

    private static async Task FinishIfDoneAsync(NpgsqlConnection connection, string jobId, DateTime now, CancellationToken cancellationToken)
    {
        await using var finish = new NpgsqlCommand(FinishSql, connection);
        finish.Parameters.AddWithValue("job", jobId);
        finish.Parameters.AddWithValue("now", now);
        await finish.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
