using Npgsql;
using Verity.Core.Jobs;

namespace Verity.Postgres;

/// <summary>Cross-process wake-up: job creation NOTIFYs a channel inside its transaction, and every worker LISTENs on
/// a connection of its own, so a job queued through any API replica starts at once instead of at the next poll.</summary>
public sealed partial class PostgresIngestJobStore
{
    internal const string JobChannel = "verity_jobs";

    public async Task ListenAsync(Action onEnqueued, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onEnqueued);
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, _) => onEnqueued();
                await using (var listen = new NpgsqlCommand($"LISTEN {JobChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Whatever was enqueued while not listening is found by the wake this causes.
                onEnqueued();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
            {
                // The polling lanes carry on meanwhile; listen again after a pause.
                Log.ListenFailed(_logger, e);
                await Task.Delay(_database.Options.RetryDelay * 10, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
