using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Verity.Core;
using Verity.Core.Jobs;

namespace Verity.Sqlite;

/// <summary>
/// The durable ingestion queue in the index's SQLite file (tables <c>ingest_jobs</c>, <c>ingest_job_items</c> and
/// <c>connector_checkpoints</c>). Every change is one short write transaction, so a lease is exclusive across the
/// threads and processes that share the file, and an item's end and its job's counters move together. Works whether
/// or not <see cref="SqliteIndexStore"/> opened the file first: the first use creates or migrates the schema.
/// </summary>
public sealed partial class SqliteIngestJobStore : IIngestJobStore, IDisposable
{
    private const int MaxLimit = 10_000;

    private readonly SqliteDatabase _database;
    private readonly ILogger<SqliteIngestJobStore> _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _initialization = new(1, 1);
    private volatile bool _initialized;

    public SqliteIngestJobStore(SqliteStoreOptions options, ILogger<SqliteIngestJobStore> logger, TimeProvider? time = null)
    {
        _database = new SqliteDatabase(options);
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public Task<IngestJob> CreateJobAsync(
        NewIngestJob job, IReadOnlyList<NewJobItem> items, ConnectorCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(job.TenantId);
        ArgumentException.ThrowIfNullOrEmpty(job.Kind);
        ArgumentException.ThrowIfNullOrEmpty(job.Source);
        if (items.FirstOrDefault(i => string.IsNullOrEmpty(i.DocumentId)) is not null)
        {
            throw new ArgumentException("Every job item needs a document id.", nameof(items));
        }

        if (checkpoint is not null && checkpoint.TenantId != job.TenantId)
        {
            throw new ArgumentException("The checkpoint belongs to another tenant than the job.", nameof(checkpoint));
        }

        return WriteAsync("create the job", async connection =>
        {
            var now = _time.GetUtcNow();
            var id = "job_" + Guid.CreateVersion7(now).ToString("N");
            await using (var insert = connection.CreateCommand())
            {
                // A job with nothing to do is finished the moment it exists.
                insert.CommandText = """
                    INSERT INTO ingest_jobs(id, tenant_id, kind, source, created_by, state, total, created_at, started_at, finished_at,
                        trace_parent, trace_state)
                    VALUES ($id, $tenant, $kind, $source, $createdBy, $state, $total, $now, $ended, $ended, $traceParent, $traceState)
                    """;
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$tenant", job.TenantId);
                insert.Parameters.AddWithValue("$kind", job.Kind);
                insert.Parameters.AddWithValue("$source", job.Source);
                insert.Parameters.AddWithValue("$createdBy", Sql.Nullable(job.CreatedBy));
                insert.Parameters.AddWithValue("$state", JobVocabulary.Text(items.Count == 0 ? IngestJobState.Succeeded : IngestJobState.Queued));
                insert.Parameters.AddWithValue("$total", items.Count);
                insert.Parameters.AddWithValue("$now", Sql.Timestamp(now));
                insert.Parameters.AddWithValue("$ended", items.Count == 0 ? Sql.Timestamp(now) : DBNull.Value);
                insert.Parameters.AddWithValue("$traceParent", Sql.Nullable(job.TraceParent));
                insert.Parameters.AddWithValue("$traceState", Sql.Nullable(job.TraceState));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await InsertItemsAsync(connection, id, job.TenantId, items, now, cancellationToken).ConfigureAwait(false);
            if (checkpoint is not null)
            {
                await using var save = connection.CreateCommand();
                save.CommandText = """
                    INSERT INTO connector_checkpoints(tenant_id, connector_id, cursor, updated_at)
                    VALUES ($tenant, $connector, $cursor, $at)
                    ON CONFLICT(tenant_id, connector_id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at
                    """;
                save.Parameters.AddWithValue("$tenant", checkpoint.TenantId);
                save.Parameters.AddWithValue("$connector", checkpoint.ConnectorId);
                save.Parameters.AddWithValue("$cursor", checkpoint.Cursor);
                save.Parameters.AddWithValue("$at", Sql.Timestamp(checkpoint.UpdatedAt));
                await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return (await ReadJobAsync(connection, job.TenantId, id, cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    public Task<IngestJob?> GetJobAsync(string tenantId, string jobId, CancellationToken cancellationToken) =>
        ReadAsync("read the job", connection => ReadJobAsync(connection, tenantId, jobId, cancellationToken), cancellationToken);

    public Task<IngestJobPage> ListJobsAsync(string tenantId, int limit, string? after, CancellationToken cancellationToken)
    {
        CheckLimit(limit);
        return ReadAsync("list the jobs", async connection =>
        {
            await using var command = connection.CreateCommand();
            var page = "";
            if (after is not null)
            {
                command.CommandText = "SELECT created_at FROM ingest_jobs WHERE tenant_id = $tenant AND id = $after";
                command.Parameters.AddWithValue("$tenant", tenantId);
                command.Parameters.AddWithValue("$after", after);
                var afterCreated = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
                    ?? throw new InvalidRequestException("The page cursor is invalid.", "after");
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$afterCreated", afterCreated);
                command.Parameters.AddWithValue("$after", after);
                page = " AND (j.created_at, j.id) < ($afterCreated, $after)";
            }

            command.CommandText = $"""
                SELECT {JobRows.JobColumns} FROM ingest_jobs j
                WHERE j.tenant_id = $tenant{page}
                ORDER BY j.created_at DESC, j.id DESC
                LIMIT $limit
                """;
            command.Parameters.AddWithValue("$tenant", tenantId);
            command.Parameters.AddWithValue("$limit", limit + 1);
            var jobs = await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false);
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
        ReadAsync<IReadOnlyList<IngestJob>>("list the unfinished jobs", async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {JobRows.JobColumns} FROM ingest_jobs j
                WHERE j.id IN (SELECT job_id FROM ingest_job_items WHERE state IN ('pending', 'running'))
                ORDER BY j.created_at, j.id
                """;
            return await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IReadOnlyList<JobItem>> ListItemsAsync(
        string tenantId, string jobId, JobItemState? state, int limit, CancellationToken cancellationToken)
    {
        CheckLimit(limit);
        return ReadAsync<IReadOnlyList<JobItem>>("list the job's items", async connection =>
        {
            await using var command = connection.CreateCommand();
            // Cancelled items read back as quarantined, so they are listed with them.
            var filter = state switch
            {
                null => "",
                JobItemState.Quarantined => $" AND i.state IN ('quarantined', '{JobVocabulary.Cancelled}')",
                _ => " AND i.state = $state",
            };
            command.CommandText = $"""
                SELECT {JobRows.ItemColumns} FROM ingest_job_items i
                WHERE i.job_id = $job AND i.tenant_id = $tenant{filter}
                ORDER BY i.seq
                LIMIT $limit
                """;
            command.Parameters.AddWithValue("$job", jobId);
            command.Parameters.AddWithValue("$tenant", tenantId);
            command.Parameters.AddWithValue("$limit", limit);
            if (state is { } wanted and not JobItemState.Quarantined)
            {
                command.Parameters.AddWithValue("$state", JobVocabulary.Text(wanted));
            }

            return await ReadItemsAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<JobItem>> ListQuarantineAsync(string tenantId, int limit, CancellationToken cancellationToken)
    {
        CheckLimit(limit);
        return ReadAsync<IReadOnlyList<JobItem>>("list the quarantine", async connection =>
        {
            // Only items that failed: cancelled ones never ran, and there is nothing in them to fix.
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {JobRows.ItemColumns} FROM ingest_job_items i
                WHERE i.tenant_id = $tenant AND i.state = 'quarantined'
                ORDER BY i.updated_at DESC, i.id DESC
                LIMIT $limit
                """;
            command.Parameters.AddWithValue("$tenant", tenantId);
            command.Parameters.AddWithValue("$limit", limit);
            return await ReadItemsAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<int> CountQueuedItemsAsync(string? tenantId, CancellationToken cancellationToken) =>
        ReadAsync("count the queued items", async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM ingest_job_items WHERE state IN ('pending', 'running')"
                + (tenantId is null ? "" : " AND tenant_id = $tenant");
            if (tenantId is not null)
            {
                command.Parameters.AddWithValue("$tenant", tenantId);
            }

            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    public Task<ConnectorCheckpoint?> GetCheckpointAsync(string tenantId, string connectorId, CancellationToken cancellationToken) =>
        ReadAsync("read the checkpoint", async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT cursor, updated_at FROM connector_checkpoints WHERE tenant_id = $tenant AND connector_id = $connector
                """;
            command.Parameters.AddWithValue("$tenant", tenantId);
            command.Parameters.AddWithValue("$connector", connectorId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new ConnectorCheckpoint(tenantId, connectorId, reader.GetString(0), Sql.ParseTimestamp(reader.GetString(1)))
                : null;
        }, cancellationToken);

    public void Dispose()
    {
        _initialization.Dispose();
        _database.ClearPool();
    }

    private static async Task InsertItemsAsync(
        SqliteConnection connection, string jobId, string tenantId, IReadOnlyList<NewJobItem> items, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO ingest_job_items(job_id, tenant_id, seq, document_id, action, locator, descriptor, state, bytes, updated_at, content)
            VALUES ($job, $tenant, $seq, $document, $action, $locator, $descriptor, 'pending', $bytes, $now, $content)
            """;
        insert.Parameters.AddWithValue("$job", jobId);
        insert.Parameters.AddWithValue("$tenant", tenantId);
        insert.Parameters.AddWithValue("$now", Sql.Timestamp(now));
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var document = insert.Parameters.Add("$document", SqliteType.Text);
        var action = insert.Parameters.Add("$action", SqliteType.Text);
        var locator = insert.Parameters.Add("$locator", SqliteType.Text);
        var descriptor = insert.Parameters.Add("$descriptor", SqliteType.Text);
        var bytes = insert.Parameters.Add("$bytes", SqliteType.Integer);
        var content = insert.Parameters.Add("$content", SqliteType.Blob);
        for (var i = 0; i < items.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var item = items[i];
            seq.Value = i;
            document.Value = item.DocumentId;
            action.Value = JobVocabulary.Text(item.Action);
            locator.Value = Sql.Nullable(item.Locator);
            descriptor.Value = item.Descriptor;
            bytes.Value = item.Content?.Length ?? 0;
            content.Value = item.Content is { } body ? body.ToArray() : DBNull.Value;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IngestJob?> ReadJobAsync(
        SqliteConnection connection, string tenantId, string jobId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {JobRows.JobColumns} FROM ingest_jobs j WHERE j.tenant_id = $tenant AND j.id = $id";
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$id", jobId);
        return (await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    private static async Task<List<IngestJob>> ReadJobsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<IngestJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(JobRows.ReadJob(reader));
        }

        return jobs;
    }

    private static async Task<IReadOnlyList<JobItem>> ReadItemsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var items = new List<JobItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(JobRows.ReadItem(reader));
        }

        return items;
    }

    private static void CheckLimit(int limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw new InvalidRequestException($"The page size must be between 1 and {MaxLimit}.", "limit");
        }
    }
}
