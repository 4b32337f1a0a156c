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
public sealed partial class IngestionWorker : IDisposable
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

    public IngestionWorkerOptions Options => _options;

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

    public void Dispose() => _wake.Dispose();
}
