using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Verity.Core.Connectors;
using Verity.Core.Ingestion;

namespace Verity.Core.Jobs;

/// <summary>
/// Turns requests for ingestion into durable jobs: a connector scan or a batch of uploaded documents becomes a job
/// with its items in the store, and the worker is woken. Refuses new work while the queue is full. Each job keeps the
/// trace context it was enqueued in, so that the spans of its items link back to the request (<see cref="JobTrace"/>).
/// </summary>
public sealed class IngestionJobs(
    IIngestJobStore jobs,
    IIndexStore store,
    IngestionService ingestion,
    IngestionWorker worker,
    ILogger<IngestionJobs> logger)
{
    /// <summary>Scans the source and enqueues what changed, storing the connector's checkpoint with the job.</summary>
    public async Task<ScanResult> EnqueueScanAsync(
        ISourceConnector connector, string tenantId, string? createdBy, IProgress<ScanProgress>? progress,
        CancellationToken cancellationToken)
    {
        await EnsureRoomAsync(0, cancellationToken).ConfigureAwait(false);
        var known = await store.GetFingerprintsAsync(tenantId, connector.Id, cancellationToken).ConfigureAwait(false);
        // A checkpoint lets the connector skip what did not change at the source; after a change of chunking or
        // embedding model everything must be read again, so the checkpoint is not offered.
        var checkpoint = known.Values.All(ingestion.IsCurrentConfiguration)
            ? await jobs.GetCheckpointAsync(tenantId, connector.Id, cancellationToken).ConfigureAwait(false)
            : null;
        var scan = await connector.ScanAsync(new ScanContext(tenantId, known, checkpoint?.Cursor, progress), cancellationToken)
            .ConfigureAwait(false);
        var job = await jobs.CreateJobAsync(
            JobTrace.Capture(new NewIngestJob { TenantId = tenantId, Kind = connector.Kind, Source = connector.Id, CreatedBy = createdBy }),
            scan.Items,
            scan.Checkpoint is null ? null : new ConnectorCheckpoint(tenantId, connector.Id, scan.Checkpoint, DateTimeOffset.UtcNow),
            cancellationToken).ConfigureAwait(false);
        Log.JobEnqueued(logger, job.Id, job.Kind, scan.Items.Count, job.Source);
        worker.Notify();
        return new ScanResult(job, scan);
    }

    /// <summary>Enqueues documents handed over directly (uploads): their content is stored with the job before
    /// this returns, so an accepted upload survives a crash.</summary>
    public async Task<IngestJob> EnqueueAsync(NewIngestJob job, IReadOnlyList<NewJobItem> items, CancellationToken cancellationToken)
    {
        await EnsureRoomAsync(items.Count, cancellationToken).ConfigureAwait(false);
        var created = await jobs.CreateJobAsync(JobTrace.Capture(job), items, null, cancellationToken).ConfigureAwait(false);
        Log.JobEnqueued(logger, created.Id, created.Kind, items.Count, created.Source);
        worker.Notify();
        return created;
    }

    /// <summary>Brings the index in line with a source and waits until it is: first finishes a job a previous run
    /// of this source left unfinished (a crash, a kill), then scans and runs what changed since.</summary>
    public async Task<SyncSummary> SyncAsync(
        ISourceConnector connector, string tenantId, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var resumed = new List<IngestJob>();
        await worker.RecoverAsync(cancellationToken).ConfigureAwait(false);
        foreach (var unfinished in await jobs.ListUnfinishedJobsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (unfinished.TenantId == tenantId && unfinished.Source == connector.Id)
            {
                resumed.Add(await worker.DrainAsync(tenantId, unfinished.Id, ToProgress(progress, resumed: true), cancellationToken).ConfigureAwait(false));
            }
        }

        var scanProgress = progress is null ? null : new Progress<ScanProgress>(p => progress.Report(new SyncProgress(0, 0, p.Current)));
        var (job, scan) = await EnqueueScanAsync(connector, tenantId, createdBy: null, scanProgress, cancellationToken).ConfigureAwait(false);
        var finished = await worker.DrainAsync(tenantId, job.Id, ToProgress(progress, resumed: false), cancellationToken).ConfigureAwait(false);
        var quarantined = new List<JobItem>();
        foreach (var ran in resumed.Append(finished))
        {
            quarantined.AddRange(await jobs.ListItemsAsync(tenantId, ran.Id, JobItemState.Quarantined, 10_000, cancellationToken).ConfigureAwait(false));
        }

        var failures = scan.Failures.Select(f => new SyncFailure(f.Locator, f.Reason))
            .Concat(quarantined.Select(i => new SyncFailure(i.DocumentId, i.Error ?? "quarantined")))
            .ToList();

        // The counts are the new scan's job: what the source looks like now against the index. The resumed jobs'
        // work is reported beside them (their documents are "unchanged" to the new scan, so adding both would count
        // them twice).
        var c = finished.Counts;
        return new SyncSummary(
            c.Added, c.Updated, c.Unchanged + scan.Unchanged, c.Removed, scan.Ignored, failures, c.Chunks,
            Stopwatch.GetElapsedTime(started))
        {
            JobId = finished.Id,
            ResumedJobs = resumed.Count,
            ResumedChanges = resumed.Sum(j => j.Counts.Added + j.Counts.Updated + j.Counts.Removed),
            Stale = c.Stale,
        };
    }

    private static Progress<IngestJob>? ToProgress(IProgress<SyncProgress>? progress, bool resumed) =>
        progress is null
            ? null
            : new Progress<IngestJob>(j => progress.Report(new SyncProgress(j.Counts.Done, j.Counts.Total, resumed ? "resuming " + j.Id : j.Id)));

    private async Task EnsureRoomAsync(int adding, CancellationToken cancellationToken)
    {
        var limit = worker.Options.MaxQueuedItems;
        var queued = await jobs.CountQueuedItemsAsync(null, cancellationToken).ConfigureAwait(false);
        // A scan does not know its size yet, so it counts as one item. A batch larger than the whole limit is still
        // taken into an empty queue, or it could never be taken at all.
        if (queued + Math.Max(adding, 1) > limit && queued > 0)
        {
            throw new QueueFullException(queued, limit, TimeSpan.FromSeconds(Math.Clamp(queued / 50, 5, 300)));
        }
    }
}

public sealed record ScanResult(IngestJob Job, SourceScan Scan);
