using System.Globalization;
using System.Text;
using System.Text.Json;
using Verity.Benchmarks.Scale;

namespace Verity.Benchmarks.ScaleOut;

internal sealed record ScaleOutReport(
    DateTimeOffset At,
    string Command,
    MachineInfo Machine,
    int CorpusFiles,
    long CorpusBytes,
    IReadOnlyList<WorkerRun> Workers,
    SearchComparisonResult Search,
    double TotalSeconds,
    string LoadAtStart,
    string LoadAtEnd)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Ingestion by `verity worker` processes on one PostgreSQL 15 (exact vector mode: no pgvector on this server), {CorpusFiles:N0} files, {CorpusBytes / 1e6:0.0} MB of the mixed corpus:"));
        text.AppendLine();
        text.AppendLine("| Workers × lanes | Time | MB/s | Chunks/s | Speed-up | Worker CPU | Machine busy | Documents | Quarantined |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var run in Workers)
        {
            // Against one worker with the same lanes.
            var one = Workers.FirstOrDefault(w => w.Workers == 1 && w.Lanes == run.Lanes);
            var speedUp = one is null ? "–" : Invariant($"×{one.Seconds / run.Seconds:0.00}");
            text.AppendLine(Invariant(
                $"| {run.Workers} × {run.Lanes} | {run.Seconds:0.0} s | {run.MegabytesPerSecond:0.00} | {run.ChunksPerSecond:N0} | {speedUp} | {run.WorkerCpuSeconds:0} s | {run.MachineBusy:P0} | {run.Added:N0} | {run.Quarantined} |"));
        }

        text.AppendLine();
        text.AppendLine(Invariant(
            $"Search latency at {Search.Chunks:N0} chunks ({Search.Documents:N0} documents), {Search.Queries} queries per mode, one at a time (p50 / p95 / p99):"));
        text.AppendLine();
        text.AppendLine("| Mode | SQLite (exact scan, FTS5) | PGlite (pgvector HNSW, tsvector) |");
        text.AppendLine("|---|---|---|");
        text.AppendLine($"| lexical | {Search.Sqlite.Lexical.Triple()} | {Search.Pglite.Lexical.Triple()} |");
        text.AppendLine($"| dense | {Search.Sqlite.Dense.Triple()} | {Search.Pglite.Dense.Triple()} |");
        text.AppendLine($"| hybrid | {Search.Sqlite.Hybrid.Triple()} | {Search.Pglite.Hybrid.Triple()} |");
        text.AppendLine();
        text.AppendLine(Invariant(
            $"PGlite's HNSW dense top 8 held {Search.DenseOverlapAt8:P1} of SQLite's exact top 8; copying the index into PGlite took {Search.CopySeconds:0} s."));
        text.AppendLine();
        text.AppendLine(Invariant($"Machine: {Machine.Describe()}. Load average {LoadAtStart} at start, {LoadAtEnd} at the end; {TotalSeconds:0} s in all."));
        text.AppendLine();
        text.AppendLine($"Command: `{Command}`");
        return text.ToString();
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
