using Verity.Core.Jobs;

namespace Verity.Server.Infrastructure;

/// <summary>Runs the ingestion worker inside the server (the embedded shape: one process serves and ingests).
/// Jobs a previous process left unfinished are picked up on start, because their items are still in the queue.</summary>
internal sealed class IngestionWorkerService(IngestionWorker worker, IngestionWorkerOptions options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        await worker.RecoverAsync(stoppingToken);
        await worker.RunAsync(stoppingToken);
    }
}
