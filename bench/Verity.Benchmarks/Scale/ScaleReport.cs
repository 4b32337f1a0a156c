using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Verity.Benchmarks.Scale;

internal sealed record ScaleReport(
    DateTimeOffset GeneratedAt,
    string Command,
    MachineInfo Machine,
    ScaleSettings Settings,
    IReadOnlyList<SizeResult> Results,
    double TotalSeconds,
    string LoadAverageAtStart,
    string LoadAverageAtEnd)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Scale benchmark, {GeneratedAt:yyyy-MM-dd HH:mm} UTC — {Machine.Describe()}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{Command}`");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Hashing embedder {Settings.Dimensions} dimensions{(Settings.Dimensions == 512 ? " (product default)" : " (NOT the product default of 512)")}; " +
            $"vocabulary {Settings.VocabularySize:N0} words (Zipf); {Settings.WordsMin}–{Settings.WordsMax} words per chunk; " +
            $"{Settings.ChunksPerDocument} chunks per document; top-k {Settings.TopK}, {Settings.CandidatesPerRetriever} candidates per retriever; " +
            $"{Settings.Queries} timed queries per mode after at least {Settings.Warmup} warm-up queries and 3 s, one at a time. Total run {TotalSeconds:0} s; " +
            $"load average (1/5/15 min) {LoadAverageAtStart} at start, {LoadAverageAtEnd} at end.");
        md.AppendLine();
        md.AppendLine("| Chunks | Tokens/chunk | Build | Ingest rate | Database | Peak WS (build) | Segment load | Vectors | GC heap | Working set | Peak WS (load) |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Results)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Chunks:N0} | {r.TokensPerChunk:0} | {r.BuildSeconds:0.0} s | {r.ChunksPerSecond:N0} chunks/s | {Format.Bytes(r.DatabaseBytes)} | " +
                $"{Format.Bytes(r.BuildPeakWorkingSetBytes)} | {r.SegmentLoadMs / 1000:0.00} s | {Format.Bytes(r.SegmentBytes)} | " +
                $"{Format.Bytes(r.GcHeapBytes)} | {Format.Bytes(r.WorkingSetBytes)} | {Format.Bytes(r.LoadPeakWorkingSetBytes)} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| Chunks | Dense p50 / p95 / p99 | Lexical p50 / p95 / p99 | Hybrid p50 / p95 / p99 | Hybrid as anonymous HTTP caller ({Math.Max(1, Settings.Queries / 4)} queries) |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var r in Results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Chunks:N0} | {r.Dense.Triple()} | {r.Lexical.Triple()} | {r.Hybrid.Triple()} | {r.HybridAnonymousCaller.Triple()} |");
        }

        return md.ToString();
    }
}

internal sealed record ScaleSettings(
    int Queries,
    int Warmup,
    int Dimensions,
    int VocabularySize,
    int ChunksPerDocument,
    int WordsMin,
    int WordsMax,
    int TopK,
    int CandidatesPerRetriever);

internal sealed record SizeResult(
    int Chunks,
    int Documents,
    double TokensPerChunk,
    double BuildSeconds,
    double ChunksPerSecond,
    long DatabaseBytes,
    long BuildPeakWorkingSetBytes,
    double SegmentLoadMs,
    long SegmentBytes,
    long GcHeapBytes,
    long WorkingSetBytes,
    long LoadPeakWorkingSetBytes,
    Latency Dense,
    Latency Lexical,
    Latency Hybrid,
    Latency HybridAnonymousCaller);

/// <summary>Latency percentiles in milliseconds (nearest-rank).</summary>
internal sealed record Latency(double P50, double P95, double P99, double Mean, double Max)
{
    public static Latency Of(double[] milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return new Latency(Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99), sorted.Average(), sorted[^1]);
    }

    public string Triple() => string.Create(CultureInfo.InvariantCulture, $"{Ms(P50)} / {Ms(P95)} / {Ms(P99)}");

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"p50 {Ms(P50)}  p95 {Ms(P95)}  p99 {Ms(P99)}  mean {Ms(Mean)}  max {Ms(Max)}");

    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static string Ms(double value) => value < 10 ? $"{value:0.00} ms" : value < 100 ? $"{value:0.0} ms" : $"{value:0} ms";
}

internal sealed record MachineInfo(string Cpu, int LogicalCores, long MemoryBytes, string Os, string Runtime)
{
    public static MachineInfo Current()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo")
                .FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return new MachineInfo(cpu, Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
    }

    public string Describe() => $"{Cpu}, {LogicalCores} logical cores, {Format.Bytes(MemoryBytes)} RAM, {Os}, {Runtime}";
}

internal static class Format
{
    /// <summary>The 1/5/15-minute load averages: other work on the machine shows up in every figure.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.00} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
