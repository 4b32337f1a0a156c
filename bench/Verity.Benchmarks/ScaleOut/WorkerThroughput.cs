using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Verity.Benchmarks.Ingest;
using Verity.Core.Connectors;
using Verity.Core.Jobs;
using Verity.Core.Model;
using Verity.Server.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Benchmarks.ScaleOut;

internal sealed record WorkerRun(
    int Workers, int Lanes, int Files, long Bytes, int Added, int Quarantined, int Chunks, double Seconds, double WorkerCpuSeconds, double MachineBusy)
{
    public double MegabytesPerSecond => Bytes / 1e6 / Seconds;

    public double ChunksPerSecond => Chunks / Seconds;
}

/// <summary>
/// Ingestion throughput of N <c>verity worker</c> processes on one PostgreSQL: a fresh database is migrated, the
/// workers are started and ready, then one folder scan of the corpus is enqueued from this process (it runs no
/// lanes itself) and timed from the enqueue until the job has finished, after the same corpus has gone through the
/// workers once into another tenant.
/// </summary>
internal static class WorkerThroughput
{
    private const string WarmupTenant = "warmup";

    public static async Task<WorkerRun> RunAsync(
        PostgresServer server, string cli, string corpus, CorpusManifest manifest, int workers, int lanes, CancellationToken cancellationToken)
    {
        var store = await server.CreateDatabaseAsync().ConfigureAwait(false);
        using (var migrate = Start(cli, lanes, "migrate", "--store", store))
        {
            await migrate.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (migrate.ExitCode != 0)
            {
                throw new InvalidOperationException($"verity migrate failed: {await migrate.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)}");
            }
        }

        var processes = Enumerable.Range(0, workers).Select(_ => Start(cli, lanes, "worker", "--store", store)).ToList();
        try
        {
            // A worker prints its "running" line once it has opened the store and is about to lease.
            foreach (var process in processes)
            {
                var line = await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line is null || !line.Contains("running", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"A worker did not start: {line} {await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)}");
                }

                _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
                _ = process.StandardError.ReadToEndAsync(cancellationToken);
            }

            await using var services = await OpenAsync(store, cancellationToken).ConfigureAwait(false);
            var jobs = services.GetRequiredService<IIngestJobStore>();

            // Workers are long-lived: the whole corpus goes through them once, into another tenant, so that the
            // timed run measures warm processes (JIT-compiled hot paths, tokenizer loaded) on a non-empty database
            // rather than start-up, which would otherwise be a third of a run this size.
            var (warmup, _) = await services.GetRequiredService<IngestionJobs>()
                .EnqueueScanAsync(new FolderConnector(corpus), WarmupTenant, "bench", null, cancellationToken).ConfigureAwait(false);
            await WaitAsync(jobs, WarmupTenant, warmup.Id, processes, "warm-up", cancellationToken).ConfigureAwait(false);

            var workerCpuAtStart = WorkerCpuSeconds(processes);
            var started = Stopwatch.GetTimestamp();
            var cpuAtStart = MachineCpu.Read();
            var (job, _) = await services.GetRequiredService<IngestionJobs>()
                .EnqueueScanAsync(new FolderConnector(corpus), Tenants.Default, "bench", null, cancellationToken).ConfigureAwait(false);
            var state = await WaitAsync(jobs, Tenants.Default, job.Id, processes, $"{workers} worker(s) × {lanes} lane(s)", cancellationToken)
                .ConfigureAwait(false);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            // CPU the workers used during the run (start-up and warm-up excluded): against cores × time it says whether
            // they were waiting on the database or on the machine.
            var cpu = WorkerCpuSeconds(processes) - workerCpuAtStart;
            return new WorkerRun(
                workers, lanes, manifest.Files.Count, manifest.Bytes, state.Counts.Added, state.Counts.Quarantined, state.Counts.Chunks,
                seconds, cpu, MachineCpu.BusyShareSince(cpuAtStart));
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }

                process.Dispose();
            }
        }
    }

    private static async Task<IngestJob> WaitAsync(
        IIngestJobStore jobs, string tenant, string jobId, List<Process> processes, string label, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var lastReport = started;
        while (true)
        {
            var state = await jobs.GetJobAsync(tenant, jobId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The job vanished.");
            if (state.FinishedAt is not null)
            {
                return state;
            }

            if (processes.Any(p => p.HasExited))
            {
                throw new InvalidOperationException("A worker exited during the run.");
            }

            if (Stopwatch.GetElapsedTime(lastReport).TotalSeconds >= 5)
            {
                lastReport = Stopwatch.GetTimestamp();
                Console.WriteLine($"   {label}: {state.Counts.Done:N0}/{state.Counts.Total:N0} items, {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static double WorkerCpuSeconds(List<Process> processes) => processes.Sum(p =>
    {
        p.Refresh();
        return p.TotalProcessorTime.TotalSeconds;
    });

    /// <summary>The services a CLI command has on <paramref name="store"/>, with the index open.</summary>
    public static async Task<ServiceProvider> OpenAsync(string store, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [StoreSelection.ConfigurationKey] = store })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddVerityServices(configuration);
        var provider = services.BuildServiceProvider();
        await provider.InitializeIndexAsync(cancellationToken).ConfigureAwait(false);
        return provider;
    }

    private static Process Start(string cli, int lanes, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // An idle lane looks for work every 100 ms, so the run starts (and ends) without waiting out the default 1 s poll.
        info.Environment["Verity__Worker__PollInterval"] = "00:00:00.100";
        info.Environment["Verity__Worker__Concurrency"] = lanes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
    }
}
