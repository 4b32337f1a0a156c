namespace Verity.Core.Jobs;

public sealed partial class IngestionWorker
{
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
}
