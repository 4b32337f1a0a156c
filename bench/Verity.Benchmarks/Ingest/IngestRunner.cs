using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Benchmarks.Synthetic;
using Verity.Core;
using Verity.Core.Chunking;
using Verity.Core.Connectors;
using Verity.Core.Documents;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Model;
using Verity.Core.Text;
using Verity.Server.Infrastructure;

namespace Verity.Benchmarks.Ingest;

/// <summary>What one ingest of a folder into a fresh index measured.</summary>
internal sealed record RunResult(
    string Label,
    int Files,
    long InputBytes,
    int Added,
    int Failed,
    int Chunks,
    double Seconds,
    double CpuSeconds,
    long StartWorkingSetBytes,
    long PeakWorkingSetBytes,
    double UnchangedSeconds,
    long DatabaseBytes,
    StageBreakdown? Stages)
{
    public double MegabytesPerSecond => InputBytes / 1e6 / Seconds;

    public double ChunksPerSecond => Chunks / Seconds;
}

/// <summary>
/// Ingests a folder the way <c>verity ingest &lt;folder&gt;</c> does — the same service wiring
/// (<see cref="ServerSetup.AddVerityServices"/>, default configuration), <see cref="IngestionJobs.SyncAsync"/> with a
/// <see cref="FolderConnector"/> — into a fresh data directory in this process, then syncs once more with nothing
/// changed. With <see cref="StageTimings"/> the embedder, chunker, parsers, loaders, index store, job store and
/// connector are wrapped in timing decorators.
/// </summary>
internal static class IngestRunner
{
    public static async Task<RunResult> RunAsync(
        string label, string folder, int files, long inputBytes, int? lanes, StageTimings? timings, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"verity-ingest-{Guid.NewGuid():N}");
        try
        {
            double seconds, cpu, unchanged;
            long startWorkingSet, peak;
            SyncSummary summary;
            StageBreakdown? stages;
            await using (var services = await StartAsync(dataDirectory, lanes, timings, cancellationToken).ConfigureAwait(false))
            {
                var jobs = services.GetRequiredService<IngestionJobs>();
                ISourceConnector connector = new FolderConnector(folder);
                connector = timings is null ? connector : new TimedConnector(connector, timings);

                // Start every run from a collected heap, so the peak is the run's own.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                startWorkingSet = Environment.WorkingSet;
                using var process = Process.GetCurrentProcess();
                var cpuBefore = process.TotalProcessorTime;
                using (var sampler = new PeakWorkingSet())
                {
                    var started = Stopwatch.GetTimestamp();
                    summary = await jobs.SyncAsync(connector, Tenants.Default, new ProgressPrinter(label), cancellationToken).ConfigureAwait(false);
                    seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                    peak = sampler.Peak;
                }

                process.Refresh();
                cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
                stages = timings?.Snapshot();
                var again = Stopwatch.GetTimestamp();
                var second = await jobs.SyncAsync(new FolderConnector(folder), Tenants.Default, null, cancellationToken).ConfigureAwait(false);
                unchanged = Stopwatch.GetElapsedTime(again).TotalSeconds;
                if (second.Added + second.Updated + second.Removed > 0)
                {
                    throw new InvalidOperationException($"The second sync of {folder} changed the index: {second}.");
                }
            }

            // Disposing the provider closed the store; clearing the pools closes the last connection, which
            // checkpoints the WAL into the database file.
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var database = SyntheticIndex.DatabaseBytes(Path.Combine(dataDirectory, DataDirectory.DatabaseFileName));
            foreach (var failure in summary.Failed.Take(5))
            {
                Console.WriteLine($"   FAILED {failure.Path}: {failure.Reason}");
            }

            return new RunResult(
                label, files, inputBytes, summary.Added, summary.Failed.Count, summary.ChunksEmbedded, seconds, cpu, startWorkingSet, peak,
                unchanged, database, stages);
        }
        finally
        {
            SyntheticIndex.Delete(dataDirectory);
        }
    }

    private static async Task<ServiceProvider> StartAsync(string dataDirectory, int? lanes, StageTimings? timings, CancellationToken cancellationToken)
    {
        // Only the data directory (and --lanes) is set: no appsettings.json or VERITY_/Verity__ variables, so the
        // figures are those of the defaults whatever the environment.
        var settings = new Dictionary<string, string?> { [DataDirectory.ConfigurationKey] = dataDirectory };
        if (lanes is { } concurrency)
        {
            settings["Verity:Worker:Concurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        // As in the CLI, nothing below Error is logged.
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Error));
        services.AddVerityServices(configuration);
        if (timings is not null)
        {
            Decorate<IEmbeddingGenerator<string, Embedding<float>>>(services, inner => new TimedEmbedder(inner, timings));
            Decorate<IChunker>(services, inner => new TimedChunker(inner, timings));
            Decorate<ITokenCounter>(services, inner => new TimedTokenCounter(inner, timings));
            Decorate<IIndexStore>(services, inner => TimingProxy.For(inner, timings));
            Decorate<IIngestJobStore>(services, inner => TimingProxy.For(inner, timings));
            services.AddSingleton(sp => new DocumentFormats(
                sp.GetServices<IDocumentParser>().Select(p => new TimedParser(p, timings)),
                sp.GetServices<IDocumentLoader>().Select(l => new TimedLoader(l, timings))));
        }

        var provider = services.BuildServiceProvider();
        await provider.InitializeIndexAsync(cancellationToken).ConfigureAwait(false);
        return provider;
    }

    /// <summary>Replaces the last registration of <typeparamref name="T"/> with <paramref name="decorate"/> applied
    /// to what it registered.</summary>
    private static void Decorate<T>(IServiceCollection services, Func<T, T> decorate)
        where T : class
    {
        var descriptor = services.Last(d => d.ServiceType == typeof(T));
        Func<IServiceProvider, object> inner = descriptor switch
        {
            { ImplementationInstance: { } instance } => _ => instance,
            { ImplementationFactory: { } factory } => factory,
            _ => sp => ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!),
        };
        services.Remove(descriptor);
        services.Add(ServiceDescriptor.Describe(typeof(T), sp => decorate((T)inner(sp)), descriptor.Lifetime));
    }

    /// <summary>A line at every tenth of the items, and at most every 5 s in between.</summary>
    private sealed class ProgressPrinter(string label) : IProgress<SyncProgress>
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly Lock _lock = new();
        private int _lastTenth = -1;
        private double _lastPrinted;

        public void Report(SyncProgress value)
        {
            if (value.Total == 0)
            {
                return;
            }

            lock (_lock)
            {
                var elapsed = Stopwatch.GetElapsedTime(_started).TotalSeconds;
                var tenth = value.Done * 10 / value.Total;
                if (tenth == _lastTenth && elapsed - _lastPrinted < 5)
                {
                    return;
                }

                _lastTenth = tenth;
                _lastPrinted = elapsed;
                Console.WriteLine($"   {label}: {value.Done * 100 / value.Total,3}%  {value.Done,6:N0}/{value.Total:N0} items  {elapsed,6:0.0} s");
            }
        }
    }
}
