using Microsoft.Extensions.Logging;
using Npgsql;
using Verity.Core.Jobs;

namespace Verity.Postgres;

/// <summary>
/// The durable ingestion queue in PostgreSQL (tables <c>ingest_jobs</c>, <c>ingest_job_items</c> and
/// <c>connector_checkpoints</c>), shared by every worker process. Items are leased with <c>FOR UPDATE SKIP LOCKED</c>,
/// so workers never wait on each other's leases nor get the same item; a lease that runs out (its worker died) hands
/// the item out again. Every transition is one transaction that checks the state it leaves, so a late call from a
/// worker whose lease was taken over changes nothing and a job counts each item's end exactly once.
/// "Now" is read from the <see cref="TimeProvider"/>, not from the database clock.
/// </summary>
public sealed partial class PostgresIngestJobStore : IIngestJobStore, IJobQueueSignal
{
    private const int MaxLimit = 10_000;

    private readonly PostgresDatabase _database;
    private readonly ILogger<PostgresIngestJobStore> _logger;
    private readonly TimeProvider _time;

    /// <summary>Uses <paramref name="database"/> without owning it (the process disposes it once).</summary>
    public PostgresIngestJobStore(PostgresDatabase database, ILogger<PostgresIngestJobStore> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public async Task<IngestJob> CreateJobAsync(
        NewIngestJob job, IReadOnlyList<NewJobItem> items, ConnectorCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(items);
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

        // Everything that can be refused is checked before the transaction starts (an unknown action throws here).
        var batches = JobItemBatch.Split(items);
        var now = _time.GetUtcNow();
        var id = "job_" + Guid.CreateVersion7(now).ToString("N");
        var created = await _database.ExecuteAsync(DbScope.Tenant(job.TenantId), "create the job", async (connection, ct) =>
        {
            // Job creation is serialised per tenant, so item ids (taken from one sequence) are in commit order: an
            // item the lease sees is never preceded by an item of the same document committed later with a lower id.
            await using (var insert = new NpgsqlCommand("""
                SELECT pg_advisory_xact_lock(@lockClass, hashtext(@tenant));
                INSERT INTO ingest_jobs (id, tenant_id, kind, source, created_by, state, total, created_at, started_at, finished_at,
                    trace_parent, trace_state)
                VALUES (@id, @tenant, @kind, @source, @createdBy, @state, @total, @now, @ended, @ended, @traceParent, @traceState)
                """, connection))
            {
                // A job with nothing to do is finished the moment it exists.
                insert.Parameters.AddWithValue("lockClass", JobItemBatch.CreateLockClass);
                insert.Parameters.AddWithValue("tenant", job.TenantId);
                insert.Parameters.AddWithValue("id", id);
                insert.Parameters.AddWithValue("kind", job.Kind);
                insert.Parameters.AddWithValue("source", job.Source);
                insert.Parameters.AddWithValue("createdBy", (object?)job.CreatedBy ?? DBNull.Value);
                insert.Parameters.AddWithValue("state", items.Count == 0 ? "succeeded" : "queued");
                insert.Parameters.AddWithValue("total", items.Count);
                insert.Parameters.AddWithValue("now", now.UtcDateTime);
                insert.Parameters.AddWithValue("ended", items.Count == 0 ? now.UtcDateTime : DBNull.Value);
                insert.Parameters.AddWithValue("traceParent", NpgsqlTypes.NpgsqlDbType.Text, (object?)job.TraceParent ?? DBNull.Value);
                insert.Parameters.AddWithValue("traceState", NpgsqlTypes.NpgsqlDbType.Text, (object?)job.TraceState ?? DBNull.Value);
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            foreach (var batch in batches)
            {
                await batch.InsertAsync(connection, id, job.TenantId, now, ct).ConfigureAwait(false);
            }

            if (items.Count > 0)
            {
                // Delivered at commit, to every listening worker of every process (see ListenAsync).
                await using var notify = new NpgsqlCommand($"SELECT pg_notify('{JobChannel}', '')", connection);
                await notify.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            if (checkpoint is not null)
            {
                await using var save = new NpgsqlCommand("""
                    INSERT INTO connector_checkpoints (tenant_id, connector_id, cursor, updated_at)
                    VALUES (@tenant, @connector, @cursor, @at)
                    ON CONFLICT (tenant_id, connector_id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at
                    """, connection);
                save.Parameters.AddWithValue("tenant", checkpoint.TenantId);
                save.Parameters.AddWithValue("connector", checkpoint.ConnectorId);
                save.Parameters.AddWithValue("cursor", checkpoint.Cursor);
                save.Parameters.AddWithValue("at", checkpoint.UpdatedAt.UtcDateTime);
                await save.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return (await ReadJobAsync(connection, job.TenantId, id, ct).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);
        Log.JobCreated(_logger, created.Id, created.TenantId, items.Count);
        return created;
    }

    public Task<IngestJob?> GetJobAsync(string tenantId, string jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return _database.ExecuteAsync(
            DbScope.Tenant(tenantId), "read the job", (connection, ct) => ReadJobAsync(connection, tenantId, jobId, ct), cancellationToken);
    }

    public Task<ConnectorCheckpoint?> GetCheckpointAsync(string tenantId, string connectorId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return _database.ExecuteAsync(DbScope.Tenant(tenantId), "read the checkpoint", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT cursor, updated_at FROM connector_checkpoints WHERE tenant_id = @tenant AND connector_id = @connector", connection);
            command.Parameters.AddWithValue("tenant", tenantId);
            command.Parameters.AddWithValue("connector", connectorId);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new ConnectorCheckpoint(tenantId, connectorId, reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1))
                : null;
        }, cancellationToken);
    }

    private static async Task<IngestJob?> ReadJobAsync(
        NpgsqlConnection connection, string tenantId, string jobId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {JobRows.JobColumns} FROM ingest_jobs j WHERE j.tenant_id = @tenant AND j.id = @id", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("id", jobId);
        return (await ReadJobsAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    private static async Task<List<IngestJob>> ReadJobsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var jobs = new List<IngestJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(JobRows.ReadJob(reader));
        }

        return jobs;
    }

    private static async Task<IReadOnlyList<JobItem>> ReadItemsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var items = new List<JobItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            items.Add(JobRows.ReadItem(reader));
        }

        return items;
    }
}
