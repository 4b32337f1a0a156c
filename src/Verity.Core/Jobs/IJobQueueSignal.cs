namespace Verity.Core.Jobs;

/// <summary>
/// Optional capability of an <see cref="IIngestJobStore"/> shared by several processes: it tells a worker at once
/// when another process enqueued work, so workers do not wait for their next poll. Polling stays as the safety net;
/// a missed signal only costs <see cref="IngestionWorkerOptions.PollInterval"/>.
/// </summary>
public interface IJobQueueSignal
{
    /// <summary>Calls <paramref name="onEnqueued"/> whenever any process enqueues items, until cancelled; survives
    /// lost connections by listening again.</summary>
    Task ListenAsync(Action onEnqueued, CancellationToken cancellationToken);
}
