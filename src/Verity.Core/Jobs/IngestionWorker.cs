using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Verity.Core.Ingestion;
using Verity.Core.Telemetry;

namespace Verity.Core.Jobs;

/// <summary>
/// Runs queued ingestion items: leases one, ingests or deletes its document, records the end. A document is
/// written in one store transaction before its item is marked done, and writes are idempotent, so a crash between
/// the two makes the item run again to the same result. Rejected documents are quarantined at once with their
/// reason; transient failures are retried with exponential backoff until <see cref="IngestionWorkerOptions.MaxAttempts"/>.
/// Each item is a <c>verity.ingest.item</c> span, linked to the trace that enqueued its job (<see cref="JobTrace"/>);
/// deletes, rejections and failed attempts are counted in <see cref="RagMetrics"/> when one is given (ingested
/// documents are counted by <see cref="IngestionService"/>).
/// </summary>
public sealed class IngestionWorker : IDisposable
{
    private readonly IIngestJobStore _jobs;
    private readonly IIndexStore _store;
    private readonly IngestionService _ingestion;
    private readonly IngestionWorkerOptions _options;
    private readonly ILogger<IngestionWorker> _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly RagMetrics? _metrics;

    public IngestionWorker(
        IIngestJobStore jobs,
        IIndexStore store,
        IngestionService ingestion,
        IngestionWorkerOptions options,
        ILogger<IngestionWorker> logger,
        TimeProvider? time = null,
        RagMetrics? metrics = null)
    {
        _jobs = jobs;
        _store = store;
        _ingestion = ingestion;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _metrics = metrics;
    }

    /// <summary>Identifies this process's leases: host, process id and start time, so that a later process can
    /// tell the leases of a dead one from those of a live one.</summary>
    public static string OwnerId { get; } = CreateOwnerId();

    public IngestionWorkerOptions Options => _options;

    /// <summary>Hands back at once the leases of workers on this machine whose process is gone (killed, crashed),
    /// so their items run now instead of when the leases run out. Leases of other machines are left to expire.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var released = 0;
        foreach (var owner in await _jobs.ListLeaseOwnersAsync(cancellationToken).ConfigureAwait(false))
        {
            if (owner != OwnerId && IsDeadLocalOwner(owner))
            {
                var count = await _jobs.ReleaseLeasesAsync(owner, cancellationToken).ConfigureAwait(false);
                Log.LeasesReleased(_logger, count, owner);
                released += count;
            }
        }

        return released;
    }

    internal static bool IsDeadLocalOwner(string owner)
    {
        var parts = owner.Split('/');
        if (parts.Length != 3 || parts[0] != Environment.MachineName
            || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var started))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            // The id may have been reused by a later process: the start time tells them apart.
            return Math.Abs(process.StartTime.ToUniversalTime().Ticks - started) > TimeSpan.TicksPerSecond;
        }
        catch (ArgumentException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Wakes idle lanes: new work was enqueued.</summary>
    public void Notify() => _wake.Release(_options.Concurrency);

    /// <summary>Processes items of every job until cancelled, and prunes old finished jobs along the way.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, _options.Concurrency)
            .Select(_ => LaneAsync(null, untilIdle: false, cancellationToken))
            .Append(PruneLoopAsync(cancellationToken))
            .Append(_jobs is IJobQueueSignal signal ? ListenAsync(signal, cancellationToken) : Task.CompletedTask));

    private async Task ListenAsync(IJobQueueSignal signal, CancellationToken cancellationToken)
    {
        try
        {
            await signal.ListenAsync(Notify, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Deletes finished jobs older than <see cref="IngestionWorkerOptions.RetainFinishedJobs"/>.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken) =>
        _options.RetainFinishedJobs is { } retain
            ? await _jobs.PruneFinishedJobsAsync(_time.GetUtcNow() - retain, cancellationToken).ConfigureAwait(false)
            : 0;

    private async Task PruneLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var pruned = await PruneAsync(cancellationToken).ConfigureAwait(false);
                if (pruned > 0)
                {
                    Log.JobsPruned(_logger, pruned);
                }

                await Task.Delay(TimeSpan.FromHours(1), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is VerityException { IsTransient: true } or IOException)
            {
                Log.QueueUnavailable(_logger, e);
                await Task.Delay(_options.PollInterval, _time, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Processes the items of one job until none is due, then returns the job as it stands (finished,
    /// unless items wait for a retry that is not due yet: those are waited for too).</summary>
    public async Task<IngestJob> DrainAsync(
        string tenantId, string jobId, IProgress<IngestJob>? progress, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var reporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reporter = progress is null ? Task.CompletedTask : ReportAsync(tenantId, jobId, progress, reporting.Token);
            await Task.WhenAll(Enumerable.Range(0, _options.Concurrency)
                .Select(_ => LaneAsync(jobId, untilIdle: true, cancellationToken))).ConfigureAwait(false);
            await reporting.CancelAsync().ConfigureAwait(false);
            await reporter.ConfigureAwait(false);

            var job = await _jobs.GetJobAsync(tenantId, jobId, cancellationToken).ConfigureAwait(false)
                ?? throw new ResourceNotFoundException($"Job '{jobId}' does not exist.");
            progress?.Report(job);
            if (job.FinishedAt is not null || job.State == IngestJobState.Cancelled)
            {
                return job;
            }

            // An item of this job may wait behind an earlier item of the same document in another job (items of
            // one document run in enqueue order): run what is due anywhere, so that nothing waits on a job nobody
            // drains. Otherwise items wait for a retry or for a live worker's lease: wait and go again.
            if (!await ProcessNextAsync(null, cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ReportAsync(string tenantId, string jobId, IProgress<IngestJob> progress, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await _jobs.GetJobAsync(tenantId, jobId, cancellationToken).ConfigureAwait(false) is { } job)
                {
                    progress.Report(job);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task LaneAsync(string? jobId, bool untilIdle, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = await ProcessNextAsync(jobId, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is VerityException { IsTransient: true } or IOException)
            {
                // The job store itself is unavailable: back off and try again rather than end the lane.
                Log.QueueUnavailable(_logger, e);
                worked = false;
            }

            if (!worked)
            {
                if (untilIdle)
                {
                    return;
                }

                try
                {
                    await _wake.WaitAsync(_options.PollInterval, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Leases and runs one due item; false when none is due.</summary>
    public async Task<bool> ProcessNextAsync(string? jobId, CancellationToken cancellationToken)
    {
        var leased = await _jobs.LeaseNextAsync(OwnerId, _options.Lease, jobId, cancellationToken).ConfigureAwait(false);
        if (leased is null)
        {
            return false;
        }

        var item = leased.Item;
        using var span = JobTrace.StartItemSpan(leased);
        span?.SetTag(Tags.Tenant, item.TenantId)
            .SetTag(Tags.JobId, item.JobId)
            .SetTag(Tags.DocumentId, item.DocumentId)
            .SetTag(Tags.IngestAction, JobVocabulary.Text(item.Action))
            .SetTag(Tags.IngestAttempt, item.Attempts);
        if (item.Attempts > _options.MaxAttempts)
        {
            // Leased and abandoned again and again: whatever reads it takes its worker down with it.
            _metrics?.RecordIngestFailure();
            span?.SetTag(Tags.IngestOutcome, "quarantined").SetStatus(ActivityStatusCode.Error, "Abandoned");
            await _jobs.QuarantineItemAsync(
                item.Id,
                $"Abandoned {item.Attempts - 1} times without finishing (the process ingesting it stopped); last error: {Sentence(item.Error ?? "none")}",
                cancellationToken).ConfigureAwait(false);
            return true;
        }

        var started = Stopwatch.GetTimestamp();
        using var itemCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var heartbeat = new Heartbeat(this, item.Id, itemCancellation);
        var heartbeatLoop = heartbeat.RunAsync();
        try
        {
            var (outcome, chunks, bytesRead) = await RunItemAsync(leased, itemCancellation.Token).ConfigureAwait(false);
            await heartbeat.StopAsync(heartbeatLoop).ConfigureAwait(false);
            await _jobs.CompleteItemAsync(item.Id, outcome, chunks, bytesRead, CancellationToken.None).ConfigureAwait(false);
            span?.SetTag(Tags.IngestOutcome, JobVocabulary.Text(outcome));
            Log.ItemDone(_logger, item.JobId, item.DocumentId, outcome, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the lease runs out (or the next start releases it) and the item runs again.
            await heartbeat.StopAsync(heartbeatLoop).ConfigureAwait(false);
            span?.SetTag(Tags.Cancelled, true);
            throw;
        }
        catch (OperationCanceledException) when (heartbeat.LeaseLost)
        {
            // Another worker may own the item now (or its job was cancelled): whatever this attempt did is left to
            // the versioned, idempotent write, and the item's end is not this worker's to record.
            await heartbeat.StopAsync(heartbeatLoop).ConfigureAwait(false);
            span?.SetTag(Tags.IngestOutcome, "lease_lost");
            Log.LeaseLost(_logger, item.JobId, item.DocumentId);
        }
        catch (Exception e) when (e is DocumentRejectedException or InvalidRequestException)
        {
            await heartbeat.StopAsync(heartbeatLoop).ConfigureAwait(false);
            // A rejected document was counted where it was rejected; an invalid item is counted here.
            if (e is InvalidRequestException)
            {
                _metrics?.RecordIngestFailure();
            }

            span?.SetTag(Tags.IngestOutcome, "quarantined");
            Spans.MarkFailed(span, e);
            Log.ItemQuarantined(_logger, item.JobId, item.DocumentId, e.Message);
            await _jobs.QuarantineItemAsync(item.Id, e.Message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await heartbeat.StopAsync(heartbeatLoop).ConfigureAwait(false);
            _metrics?.RecordIngestFailure();
            span?.SetTag(Tags.IngestOutcome, item.Attempts >= _options.MaxAttempts ? "quarantined" : "retry");
            Spans.MarkFailed(span, e);
            await FailAsync(item, e).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Renews the lease of the running item until stopped; when the store says the lease is no longer this
    /// worker's, cancels the item's work.</summary>
    private sealed class Heartbeat(IngestionWorker worker, long itemId, CancellationTokenSource item) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        public bool LeaseLost { get; private set; }

        public async Task RunAsync()
        {
            var interval = worker._options.HeartbeatInterval ?? worker._options.Lease / 3;
            try
            {
                while (true)
                {
                    await Task.Delay(interval, worker._time, _stop.Token).ConfigureAwait(false);
                    bool held;
                    try
                    {
                        held = await worker._jobs.ExtendLeaseAsync(itemId, OwnerId, worker._time.GetUtcNow() + worker._options.Lease, _stop.Token)
                            .ConfigureAwait(false);
                    }
                    catch (Exception e) when (!_stop.IsCancellationRequested)
                    {
                        // The lease still has time left; the next beat tries again (and if the store stays down,
                        // the lease runs out and another worker takes the item over, as after a crash).
                        Log.QueueUnavailable(worker._logger, e);
                        continue;
                    }

                    if (!held)
                    {
                        LeaseLost = true;
                        await item.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
        }

        public void Dispose() => _stop.Dispose();

        /// <summary>Stops the beats and waits for the last one; safe to call again.</summary>
        public async Task StopAsync(Task loop)
        {
            if (!_stop.IsCancellationRequested)
            {
                await _stop.CancelAsync().ConfigureAwait(false);
            }

            await loop.ConfigureAwait(false);
        }
    }

    private async Task FailAsync(JobItem item, Exception e)
    {
        var reason = e switch
        {
            VerityException v => v.Message,
            IOException or UnauthorizedAccessException => $"The source could not be read ({e.GetType().Name}).",
            _ => $"Unexpected error ({e.GetType().Name}).",
        };
        if (item.Attempts >= _options.MaxAttempts)
        {
            Log.ItemGaveUp(_logger, item.JobId, item.DocumentId, item.Attempts, e);
            await _jobs.QuarantineItemAsync(item.Id, $"Gave up after {item.Attempts} attempts; last error: {Sentence(reason)}", CancellationToken.None)
                .ConfigureAwait(false);
            return;
        }

        var delay = Backoff(item.Attempts);
        Log.ItemRetrying(_logger, item.JobId, item.DocumentId, item.Attempts, (long)delay.TotalMilliseconds, e);
        await _jobs.RetryItemAsync(item.Id, reason, _time.GetUtcNow() + delay, CancellationToken.None).ConfigureAwait(false);
    }

    private static string Sentence(string text) => text.EndsWith('.') ? text : text + ".";

    /// <summary>Exponential backoff with full jitter in the upper half: base·2^(attempt−1), capped.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    private async Task<(JobItemOutcome Outcome, int Chunks, long BytesRead)> RunItemAsync(LeasedItem leased, CancellationToken cancellationToken)
    {
        var item = leased.Item;
        var existing = await _store.GetDocumentAsync(item.TenantId, item.DocumentId, cancellationToken).ConfigureAwait(false);
        if (existing is not null && existing.Source != leased.Source)
        {
            throw Rejected(
                $"The id '{item.DocumentId}' already belongs to a document from another source ({existing.Source}); " +
                "delete that document or ingest this source into another tenant.");
        }

        var descriptor = JobItemDescriptor.Parse(item.Descriptor);
        if (existing is not null && descriptor.WriterPrincipals is { } writer && !existing.Acl.IsPublic
            && !existing.Acl.Principals.Intersect(writer, StringComparer.Ordinal).Any())
        {
            throw Rejected(
                $"The document '{item.DocumentId}' now has an access list that excludes the caller who uploaded this version.");
        }

        if (item.Action == JobItemAction.Delete)
        {
            var removed = await DeleteAsync(item, cancellationToken).ConfigureAwait(false);
            if (removed)
            {
                Log.DocumentRemoved(_logger, item.DocumentId);
            }

            return (removed ? JobItemOutcome.Removed : JobItemOutcome.Unchanged, 0, 0);
        }

        var content = leased.Content ?? await ReadLocatorAsync(item, leased.Source, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            // The file went away between the scan and now: the source no longer has the document.
            var removed = await DeleteAsync(item, cancellationToken).ConfigureAwait(false);
            return (removed ? JobItemOutcome.Removed : JobItemOutcome.Unchanged, 0, 0);
        }

        var bytesRead = leased.Content is null ? content.Value.Length : 0;
        var outcome = await _ingestion.IngestAsync(
            descriptor.ToInput(item.TenantId, item.DocumentId, leased.Source, content.Value), cancellationToken).ConfigureAwait(false);
        return outcome.Status switch
        {
            IngestStatus.Added => (JobItemOutcome.Added, outcome.Chunks, bytesRead),
            IngestStatus.Updated => (JobItemOutcome.Updated, outcome.Chunks, bytesRead),
            IngestStatus.Stale => (JobItemOutcome.Stale, 0, bytesRead),
            _ => (JobItemOutcome.Unchanged, 0, bytesRead),
        };
    }

    private async Task<ReadOnlyMemory<byte>?> ReadLocatorAsync(JobItem item, string source, CancellationToken cancellationToken)
    {
        if (item.Locator is null)
        {
            throw Rejected("The item carries neither content nor a file to read.");
        }

        var file = new FileInfo(item.Locator);
        if (!file.Exists)
        {
            // A file missing from a folder this process cannot see at all says nothing about the source: a worker on
            // another machine without the mount must not delete the document.
            if (source.StartsWith(Connectors.FolderConnector.IdPrefix, StringComparison.Ordinal)
                && !Directory.Exists(source[Connectors.FolderConnector.IdPrefix.Length..]))
            {
                throw new SourceUnavailableException(
                    $"The source folder {source[Connectors.FolderConnector.IdPrefix.Length..]} is not visible to this worker; every worker must see it at the same path.");
            }

            return null;
        }

        if (file.Length > _ingestion.Options.MaxDocumentBytes)
        {
            throw Rejected(
                $"The file is {IngestionService.FormatBytes(file.Length)}; the limit is " +
                $"{IngestionService.FormatBytes(_ingestion.Options.MaxDocumentBytes)} (Ingestion:MaxDocumentBytes).");
        }

        return await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> DeleteAsync(JobItem item, CancellationToken cancellationToken)
    {
        var removed = await _store.DeleteDocumentAsync(item.TenantId, item.DocumentId, cancellationToken).ConfigureAwait(false);
        _metrics?.RecordIngested(removed ? IngestOutcomes.Deleted : IngestOutcomes.Unchanged);
        return removed;
    }

    // Rejections found here, before the ingestion service sees the document, are counted here; the service counts its own.
    private DocumentRejectedException Rejected(string reason)
    {
        _metrics?.RecordIngested(IngestOutcomes.Rejected);
        _metrics?.RecordIngestFailure();
        return new DocumentRejectedException(reason);
    }

    public void Dispose() => _wake.Dispose();

    private static string CreateOwnerId()
    {
        using var process = Process.GetCurrentProcess();
        return $"{Environment.MachineName}/{Environment.ProcessId}/{process.StartTime.ToUniversalTime().Ticks}";
    }
}
