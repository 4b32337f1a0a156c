using Microsoft.Extensions.Options;
using Verity.Core.Connectors;
using Verity.Core.Jobs;

namespace Verity.Server.Infrastructure;

/// <summary>Bound from <c>Verity:Sources</c>: folders the server keeps in sync by itself.</summary>
public sealed class SourcesOptions
{
    public List<FolderSourceOptions> Folders { get; set; } = [];
}

public sealed class FolderSourceOptions
{
    public string Path { get; set; } = "";
    public string Tenant { get; set; } = Verity.Core.Model.Tenants.Default;

    /// <summary>Watch the folder and enqueue a sync when it changes (debounced); otherwise sync at start only.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>Also sync at this interval, whatever the watcher saw (network shares do not always report changes).</summary>
    public TimeSpan? Interval { get; set; }
}

/// <summary>Scans each configured folder at start and, when watched, again whenever it changes: every scan becomes a
/// durable job the worker runs.</summary>
internal sealed partial class FolderSourcesService(
    IOptions<SourcesOptions> options, IngestionJobs jobs, ILoggerFactory loggers, ILogger<FolderSourcesService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watchers = new List<FolderWatcher>();
        try
        {
            foreach (var source in options.Value.Folders)
            {
                var connector = new FolderConnector(System.IO.Path.GetFullPath(source.Path), logger: loggers.CreateLogger<FolderConnector>());
                await EnqueueAsync(connector, source.Tenant, stoppingToken);
                if (source.Watch || source.Interval is not null)
                {
                    watchers.Add(new FolderWatcher(
                        connector.Root,
                        (_, ct) => EnqueueAsync(connector, source.Tenant, ct),
                        new FolderWatcherOptions { Interval = source.Interval },
                        loggers.CreateLogger<FolderWatcher>()));
                }
            }

            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
        }
    }

    private async Task EnqueueAsync(FolderConnector connector, string tenant, CancellationToken cancellationToken)
    {
        try
        {
            var (job, scan) = await jobs.EnqueueScanAsync(connector, tenant, "source:" + connector.Root, null, cancellationToken);
            LogScanned(logger, connector.Root, job.Id, scan.Items.Count, scan.Unchanged);
        }
        catch (Exception e) when (e is Verity.Core.VerityException or IOException or UnauthorizedAccessException)
        {
            LogScanFailed(logger, connector.Root, e);
        }
    }

    [LoggerMessage(3201, LogLevel.Information, "Scanned {Root}: job {JobId} with {Items} items, {Unchanged} unchanged")]
    private static partial void LogScanned(ILogger logger, string root, string jobId, int items, int unchanged);

    [LoggerMessage(3202, LogLevel.Error, "Could not scan {Root}; the next change or restart tries again")]
    private static partial void LogScanFailed(ILogger logger, string root, Exception exception);
}
