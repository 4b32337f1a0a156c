using System.Diagnostics;
using Verity.Benchmarks.Scale;
using Verity.Core.Jobs;

namespace Verity.Benchmarks.Ingest;

/// <summary>
/// Ingestion throughput on a mixed corpus: writes (or reuses) a deterministic corpus of nine formats, ingests all of
/// it in this process through the same path as <c>verity ingest</c> several times into fresh indexes (the median is
/// the figure), ingests each format's folder on its own with every stage timed, and times the <c>verity ingest</c>
/// process once, cold. Not BenchmarkDotNet: one measurement is a whole ingest of tens of megabytes.
/// </summary>
internal static class IngestBenchmark
{
    public static int Run(string[] args) => BenchmarkCommand.Run(() => IngestOptions.Parse(args), IngestOptions.Usage, RunAsync);

    private static async Task RunAsync(IngestOptions options, CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Current();
        var started = Stopwatch.GetTimestamp();
        var loadAtStart = Format.LoadAverage();
        Console.WriteLine($"Verity ingestion benchmark — {machine.Describe()}; load average {loadAtStart}");
        Directory.CreateDirectory(options.OutputDirectory);

        Console.WriteLine($"== corpus: {options.SizeMb} MB over {MixedCorpus.Formats.Length} formats, seed {options.Seed}");
        var manifest = MixedCorpus.Ensure(options.CorpusDirectory, options.ManifestPath, options.SizeMb, options.Seed, cancellationToken);
        var shares = MixedCorpus.Formats
            .Select(f => new FormatShare(f.Name, manifest.Files.Count(x => x.Format == f.Name), manifest.Files.Where(x => x.Format == f.Name).Sum(x => x.Bytes)))
            .ToList();

        Console.WriteLine($"== whole corpus in process, {options.Runs} run(s), each into a fresh index");
        var runs = new List<RunResult>();
        for (var i = 1; i <= options.Runs; i++)
        {
            var run = await IngestRunner.RunAsync($"run {i}", options.CorpusDirectory, manifest.Files.Count, manifest.Bytes, options.Lanes, null, cancellationToken)
                .ConfigureAwait(false);
            runs.Add(run);
            Print(run);
        }

        Console.WriteLine("== per format, each into a fresh index, stages timed");
        var formats = new List<RunResult>();
        foreach (var format in MixedCorpus.Formats)
        {
            var share = shares.Single(s => s.Format == format.Name);
            var run = await IngestRunner.RunAsync(
                format.Name, Path.Combine(options.CorpusDirectory, format.Folder), share.Files, share.Bytes, options.Lanes, new StageTimings(), cancellationToken)
                .ConfigureAwait(false);
            formats.Add(run);
            Print(run);
        }

        CliResult? cli = null;
        if (options.CliPath is { } path && File.Exists(path))
        {
            Console.WriteLine($"== verity ingest as a process: {path}");
            cli = await CliProcess.RunAsync(path, options.CorpusDirectory, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(
                $"   first: {cli.First.WallSeconds:0.00} s wall ({cli.First.ReportedSeconds:0.00} s reported), {cli.First.Chunks:N0} chunks, " +
                $"peak RSS {Format.Bytes(cli.First.PeakRssBytes)}; unchanged: {cli.Unchanged.WallSeconds:0.00} s wall");
        }
        else
        {
            Console.WriteLine($"== verity ingest as a process: skipped ({options.CliPath ?? "--cli none"} not found; build src/Verity.Cli in Release)");
        }

        var report = new IngestReport(
            DateTimeOffset.UtcNow,
            ("dotnet run -c Release --project bench/Verity.Benchmarks -- ingest " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2))).TrimEnd(),
            machine,
            new CorpusSummary(manifest.Seed, manifest.SizeMb, manifest.Files.Count, manifest.Bytes, shares),
            options.Lanes ?? new IngestionWorkerOptions().Concurrency,
            options.Lanes is not null,
            runs,
            Median(runs),
            formats,
            cli,
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            loadAtStart,
            Format.LoadAverage());

        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown());
        // A run with other lanes writes beside the default one, so both can share the corpus folder.
        var name = options.Lanes is { } lanes ? $"ingest-{lanes}-lane{(lanes == 1 ? "" : "s")}" : "ingest";
        var json = Path.Combine(options.OutputDirectory, name + ".json");
        var markdown = Path.Combine(options.OutputDirectory, name + ".md");
        await File.WriteAllTextAsync(json, report.ToJson(), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(markdown, report.ToMarkdown(), cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"wrote {json} and {markdown} (total {report.TotalSeconds:0} s)");
    }

    private static void Print(RunResult run) =>
        Console.WriteLine(
            $"   {run.Label}: {run.Added:N0} documents, {run.Chunks:N0} chunks in {run.Seconds:0.0} s — {run.MegabytesPerSecond:0.00} MB/s, " +
            $"{run.ChunksPerSecond:N0} chunks/s, CPU {run.CpuSeconds:0.0} s, peak working set {Format.Bytes(run.PeakWorkingSetBytes)}; " +
            $"unchanged re-run {run.UnchangedSeconds:0.00} s" + (run.Failed > 0 ? $"; {run.Failed} FAILED" : ""));

    /// <summary>The median of each measurement on its own (the middle run by wall time need not have the middle
    /// peak memory).</summary>
    private static RunResult Median(List<RunResult> runs)
    {
        static double Middle(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var first = runs[0];
        return first with
        {
            Label = "median",
            Seconds = Middle(runs.Select(r => r.Seconds)),
            CpuSeconds = Middle(runs.Select(r => r.CpuSeconds)),
            StartWorkingSetBytes = (long)Middle(runs.Select(r => (double)r.StartWorkingSetBytes)),
            PeakWorkingSetBytes = (long)Middle(runs.Select(r => (double)r.PeakWorkingSetBytes)),
            UnchangedSeconds = Middle(runs.Select(r => r.UnchangedSeconds)),
            DatabaseBytes = (long)Middle(runs.Select(r => (double)r.DatabaseBytes)),
        };
    }
}
