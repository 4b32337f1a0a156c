using Microsoft.Extensions.Options;
using Verity.Core;
using Verity.Core.Jobs;
using Verity.Core.Telemetry;
using Verity.Llm;

namespace Verity.Server.Telemetry;

/// <summary>
/// Feeds the gauges that only the store knows: every <see cref="TelemetryOptions.SampleInterval"/> it reads the queue
/// depth (pending and leased items of every tenant) and the age of the newest applied index change of any tenant
/// (one store query each, whatever the number of tenants), and it lets the circuit gauge read the model endpoints'
/// breakers at each collection. Every process samples the shared store, so dashboards take the max over processes,
/// not the sum.
/// </summary>
internal sealed partial class MetricsSampler(
    IServiceProvider services, RagMetrics metrics, IOptions<TelemetryOptions> options, ILogger<MetricsSampler> logger)
    : BackgroundService
{
    private readonly TimeProvider _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    private bool _failing;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Without a configured model there is no endpoint, and the gauge has no series.
        if (services.GetService<ModelEndpoints>() is { } endpoints)
        {
            metrics.ObserveCircuits(() => endpoints.GetStatus().Select(e => (e.Name, e.State == CircuitStatus.Open)));
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SampleInterval, _time);
        do
        {
            await SampleAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    internal async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            metrics.SetQueueDepth(await services.GetRequiredService<IIngestJobStore>().CountQueuedItemsAsync(null, cancellationToken).ConfigureAwait(false));
            var newest = await services.GetRequiredService<IIndexStore>().GetLastChangeAsync(cancellationToken).ConfigureAwait(false);
            metrics.SetIndexStaleness(newest is { } at ? Max(_time.GetUtcNow() - at, TimeSpan.Zero) : null);
            if (_failing)
            {
                _failing = false;
                LogSamplingRecovered(logger);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Once per outage: readiness and the store's own errors already report it.
            if (!_failing)
            {
                _failing = true;
                LogSamplingFailed(logger, e);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(3511, LogLevel.Warning, "Could not sample the queue depth and index staleness for the metrics; the gauges keep their last values")]
    private static partial void LogSamplingFailed(ILogger logger, Exception exception);

    [LoggerMessage(3512, LogLevel.Information, "Sampling the queue depth and index staleness works again")]
    private static partial void LogSamplingRecovered(ILogger logger);
}
