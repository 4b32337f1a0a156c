using System.Diagnostics;
using Verity.Benchmarks.Ingest;
using Verity.Benchmarks.Scale;
using Verity.Storage.Conformance.Servers;

namespace Verity.Benchmarks.ScaleOut;

/// <summary>
/// The scale-out figures: ingestion throughput with 1, 2 and 4 <c>verity worker</c> processes on one PostgreSQL 15
/// (started here in a temporary folder, no pgvector, so vectors are stored and searched exactly), and search
/// latency on PGlite with pgvector against SQLite at the same size. Both servers are the test suite's.
/// </summary>
internal static class ScaleOutBenchmark
{
    public static int Run(string[] args) => BenchmarkCommand.Run(() => ParseWithCli(args), ScaleOutOptions.Usage, RunAsync);

    private static ScaleOutOptions ParseWithCli(string[] args)
    {
        var options = ScaleOutOptions.Parse(args);
        return File.Exists(options.CliPath)
            ? options
            : throw new ArgumentException($"{options.CliPath} is missing: build src/Verity.Cli in Release first (or pass --cli).");
    }

    private static async Task RunAsync(ScaleOutOptions options, CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Current();
        var started = Stopwatch.GetTimestamp();
        var loadAtStart = Format.LoadAverage();
        Console.WriteLine($"Verity scale-out benchmark — {machine.Describe()}; load average {loadAtStart}");
        Directory.CreateDirectory(options.OutputDirectory);

        Console.WriteLine($"== corpus: {options.SizeMb} MB over {MixedCorpus.Formats.Length} formats, seed {options.Seed}");
        var manifest = MixedCorpus.Ensure(options.CorpusDirectory, options.ManifestPath, options.SizeMb, options.Seed, cancellationToken);

        Console.WriteLine("== ingestion by verity worker processes on one PostgreSQL 15 (exact vectors)");
        var server = new PostgresServer();
        var runs = new List<WorkerRun>();
        try
        {
            await server.InitializeAsync().ConfigureAwait(false);
            foreach (var lanes in options.Lanes)
            {
                foreach (var workers in options.Workers)
                {
                    var run = await WorkerThroughput.RunAsync(server, options.CliPath, options.CorpusDirectory, manifest, workers, lanes, cancellationToken)
                        .ConfigureAwait(false);
                    runs.Add(run);
                    Console.WriteLine(
                        $"   {run.Workers} worker(s) × {run.Lanes} lane(s): {run.Added:N0} documents, {run.Chunks:N0} chunks in {run.Seconds:0.0} s — " +
                        $"{run.MegabytesPerSecond:0.00} MB/s, {run.ChunksPerSecond:N0} chunks/s, worker CPU {run.WorkerCpuSeconds:0} s, machine {run.MachineBusy:P0} busy" +
                        (run.Quarantined > 0 ? $"; {run.Quarantined} quarantined" : ""));
                }
            }
        }
        finally
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        Console.WriteLine($"== search latency at {options.Chunks:N0} chunks: SQLite against PGlite (pgvector HNSW; not a performance reference)");
        var search = await SearchComparison.RunAsync(options.Chunks, options.Queries, cancellationToken).ConfigureAwait(false);

        var report = new ScaleOutReport(
            DateTimeOffset.UtcNow,
            ("dotnet run -c Release --project bench/Verity.Benchmarks -- scale-out " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2))).TrimEnd(),
            machine,
            manifest.Files.Count,
            manifest.Bytes,
            runs,
            search,
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            loadAtStart,
            Format.LoadAverage());

        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown());
        var json = Path.Combine(options.OutputDirectory, "scale-out.json");
        var markdown = Path.Combine(options.OutputDirectory, "scale-out.md");
        await File.WriteAllTextAsync(json, report.ToJson(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(markdown, report.ToMarkdown(), cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"wrote {json} and {markdown} (total {report.TotalSeconds:0} s)");
    }
}
