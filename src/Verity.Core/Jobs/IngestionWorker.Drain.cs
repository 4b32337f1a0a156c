namespace Verity.Core.Jobs;

/// <summary>Running one job to its end on demand, with progress reports: how a sync waits for what it enqueued
/// (<see cref="IngestionJobs"/>).</summary>
public sealed partial class IngestionWorker
{
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
}
