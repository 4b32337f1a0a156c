using System.Globalization;
using System.Text;
using System.Text.Json;
using Verity.Benchmarks.Scale;

namespace Verity.Benchmarks.Ingest;

internal sealed record CorpusSummary(int Seed, int SizeMb, int Files, long Bytes, IReadOnlyList<FormatShare> Formats);

internal sealed record FormatShare(string Format, int Files, long Bytes);

internal sealed record IngestReport(
    DateTimeOffset GeneratedAt,
    string Command,
    MachineInfo Machine,
    CorpusSummary Corpus,
    int Lanes,
    bool LanesChanged,
    IReadOnlyList<RunResult> Runs,
    RunResult Median,
    IReadOnlyList<RunResult> Formats,
    CliResult? Cli,
    double TotalSeconds,
    string LoadAverageAtStart,
    string LoadAverageAtEnd)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Ingestion benchmark, {GeneratedAt:yyyy-MM-dd HH:mm} UTC — {Machine.Describe()}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{Command}`");
        md.AppendLine();
        var files = string.Join(", ", Corpus.Formats.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Format} {f.Files:N0}")));
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Corpus: {Corpus.Files:N0} files, {Mb(Corpus.Bytes)} MB in {Corpus.Formats.Count} formats (seed {Corpus.Seed}): {files}. " +
            $"Default configuration{(LanesChanged ? $" except Verity:Worker:Concurrency = {Lanes} (in process; the CLI process keeps the default)" : $", {Lanes} worker lanes")}. Total run {TotalSeconds:0} s; load average (1/5/15 min) {LoadAverageAtStart} at start, {LoadAverageAtEnd} at end.");
        md.AppendLine();
        md.AppendLine("Whole corpus in process (`IngestionJobs.SyncAsync` with a `FolderConnector`, a fresh index per run):");
        md.AppendLine();
        md.AppendLine("| Run | Documents | Input | Chunks | Wall | MB/s | Chunks/s | CPU | Peak working set | Unchanged re-run | Database |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in Runs.Append(Median))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {(run == Median ? "**median**" : run.Label)} | {run.Added:N0} | {Mb(run.InputBytes)} MB | {run.Chunks:N0} | {run.Seconds:0.0} s | " +
                $"{run.MegabytesPerSecond:0.00} | {run.ChunksPerSecond:N0} | {run.CpuSeconds:0.0} s | {Format.Bytes(run.PeakWorkingSetBytes)} | " +
                $"{run.UnchangedSeconds:0.00} s | {Format.Bytes(run.DatabaseBytes)} |");
        }

        if (Cli is { } cli)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"`verity ingest` as a process (`{cli.Command}`):");
            md.AppendLine();
            md.AppendLine("| Run | Documents | Chunks | Wall | Reported elapsed | MB/s (wall) | Chunks/s (wall) | Peak RSS |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            var first = cli.First;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| first (cold process, empty index) | {first.Added:N0} | {first.Chunks:N0} | {first.WallSeconds:0.00} s | {first.ReportedSeconds:0.00} s | " +
                $"{Corpus.Bytes / 1e6 / first.WallSeconds:0.00} | {first.Chunks / first.WallSeconds:N0} | {Format.Bytes(first.PeakRssBytes)} |");
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| again, nothing changed | {cli.Unchanged.Added:N0} | {cli.Unchanged.Chunks:N0} | {cli.Unchanged.WallSeconds:0.00} s | " +
                $"{cli.Unchanged.ReportedSeconds:0.00} s | — | — | {Format.Bytes(cli.Unchanged.PeakRssBytes)} |");
            if (first.Added + first.Failed != Corpus.Files || first.Failed > 0)
            {
                md.AppendLine();
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"**The process added {first.Added:N0} of {Corpus.Files:N0} files ({first.Failed:N0} failed): it is not the build measured in process.**");
            }
        }

        if (Formats.Count > 0)
        {
            AppendFormats(md);
        }

        return md.ToString();
    }

    private void AppendFormats(StringBuilder md)
    {
        md.AppendLine();
        md.AppendLine("Per format (each format's folder into its own fresh index, stages timed; shares are of the work summed over the lanes):");
        md.AppendLine();
        md.AppendLine("| Format | Files | Input | Text | Chunks | Tokens/chunk | Wall | MB/s | Chunks/s | Peak WS | Parse | Chunk | Embed | Store write | Other |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in Formats)
        {
            var s = run.Stages!;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {run.Label} | {run.Files:N0} | {Mb(run.InputBytes)} MB | {Mb(s.TextChars)} M chars | {run.Chunks:N0} | {(s.Chunks == 0 ? 0 : s.Tokens / (double)s.Chunks):0} | " +
                $"{run.Seconds:0.0} s | {run.MegabytesPerSecond:0.00} | {run.ChunksPerSecond:N0} | {Format.Bytes(run.PeakWorkingSetBytes)} | " +
                $"{Pct(s, s.Parse)} | {Pct(s, s.Chunk)} | {Pct(s, s.Embed)} | {Pct(s, s.StoreWrite)} | {Pct(s, s.Other + s.StoreRead + s.Scan + s.Queue)} |");
        }

        var total = StageBreakdown.Sum(Formats.Select(f => f.Stages!));
        var seconds = Formats.Sum(f => f.Seconds);
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| all, one format at a time | {Formats.Sum(f => f.Files):N0} | {Mb(Formats.Sum(f => f.InputBytes))} MB | {Mb(total.TextChars)} M chars | " +
            $"{Formats.Sum(f => f.Chunks):N0} | {(total.Chunks == 0 ? 0 : total.Tokens / (double)total.Chunks):0} | {seconds:0.0} s | " +
            $"{Formats.Sum(f => f.InputBytes) / 1e6 / seconds:0.00} | {Formats.Sum(f => f.Chunks) / seconds:N0} | | " +
            $"{Pct(total, total.Parse)} | {Pct(total, total.Chunk)} | {Pct(total, total.Embed)} | {Pct(total, total.StoreWrite)} | " +
            $"{Pct(total, total.Other + total.StoreRead + total.Scan + total.Queue)} |");

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Where the time goes, all formats ({total.Work:0.0} s of work in {seconds:0.0} s of wall time, i.e. {total.Work / seconds:0.00} of {Lanes} lanes busy on average):");
        md.AppendLine();
        md.AppendLine("| Stage | Seconds | Share |");
        md.AppendLine("|---|---:|---:|");
        foreach (var (stage, value) in new[]
        {
            ("parse (PDF/Office loaders, text parsers)", total.Parse),
            ("chunk (splitting and o200k token counting)", total.Chunk),
            ($"… of which o200k token counting ({total.TokenCountCalls:N0} calls over {total.CountedChars / (double)Math.Max(1, total.TextChars):0.0}× the parsed text)", total.TokenCount),
            ("embed (hashing embedder)", total.Embed),
            ("store write (one SQLite transaction per document: rows, FTS5, vectors)", total.StoreWrite),
            ("store reads (existing-document look-ups)", total.StoreRead),
            ("other per item (file read, SHA-256, normalising, metadata)", total.Other),
            ("job queue (create job, lease and complete items, progress polls)", total.Queue),
            ("scan (list folder, read fingerprints)", total.Scan),
        })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {stage} | {value:0.0} | {Pct(total, value)} |");
        }
    }

    private static string Mb(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Pct(StageBreakdown stages, double seconds) =>
        (stages.Share(seconds) * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
