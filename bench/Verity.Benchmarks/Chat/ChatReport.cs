using System.Globalization;
using System.Text;
using System.Text.Json;
using Verity.Benchmarks.Scale;

namespace Verity.Benchmarks.Chat;

internal sealed record ChatReport(
    DateTimeOffset GeneratedAt,
    string Command,
    MachineInfo Machine,
    ChatSettings Settings,
    int Documents,
    int Chunks,
    ModelCalibration Calibration,
    IReadOnlyList<ScenarioResult> Scenarios,
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
        var s = Settings;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Answer path benchmark, {GeneratedAt:yyyy-MM-dd HH:mm} UTC — {Machine.Describe()}");
        md.AppendLine();
        md.AppendLine($"`{Command}`");
        md.AppendLine();
        md.AppendLine(
            CultureInfo.InvariantCulture,
            $"Demo corpus: {Documents} documents, {Chunks} chunks (SQLite, hashing embedder, hybrid retrieval, PII redaction of answers: the defaults). " +
            $"{s.Questions} questions of demo/questions.jsonl per scenario, one at a time, as the anonymous caller, through `ChatService.StreamAsync`; " +
            $"first token is the time to its first `ChatDelta` (row 0: to the client's first text update). " +
            $"**The model is scripted** (an OpenAI-protocol server on 127.0.0.1): {s.ModelLatencyMs:0} ms before its first byte, then up to three " +
            $"cited sentences of the first source in {s.Chunks} chunks {s.ChunkDelayMs:0} ms apart, so ≈ {s.ScriptedAnswerMs:0} ms per answer; " +
            $"a real model's latency is not measured here.");
        md.AppendLine();
        md.AppendLine(
            CultureInfo.InvariantCulture,
            $"Chain: primary → fallback-1 → extractive. Each endpoint: Timeout {Sec(s.TimeoutMs)}, BreakDuration {Sec(s.BreakDurationMs)}, " +
            $"MaxRetries {s.MaxRetries} (product defaults: {Sec(s.DefaultTimeoutMs)}, {Sec(s.DefaultBreakDurationMs)}, {s.DefaultMaxRetries}); " +
            $"retries back off exponentially from {Sec(s.RetryBaseDelayMs)} with jitter, and the circuit opens at {s.FailureRatio:P0} failures " +
            $"over at least {s.MinimumThroughput} calls in {Sec(s.SamplingDurationMs)} (defaults). " +
            $"Scenarios 4–6 start a request at most every {s.IntervalMs:0} ms. Total {TotalSeconds:0} s; load average (1/5/15 min) " +
            $"{LoadAverageAtStart} at start, {LoadAverageAtEnd} at end.");
        md.AppendLine();
        md.AppendLine("| # | Scenario | Requests | Latency p50 / p95 / max | First token p50 / p95 | Answer cache hits | Model requests (primary / fallback) | Answered by | Degraded |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---:|");
        var c = Calibration;
        md.AppendLine(
            CultureInfo.InvariantCulture,
            $"| 0 | the scripted model alone, through the plain OpenAI client (reference, no Verity) | {c.Calls} | " +
            $"{Ms(c.Latency.P50)} / {Ms(c.Latency.P95)} / {Ms(c.Latency.Max)} | {Ms(c.FirstToken.P50)} / {Ms(c.FirstToken.P95)} | – | {c.Calls} / 0 | – | – |");
        foreach (var r in Scenarios)
        {
            var firstToken = r.FirstToken is { } t ? $"{Ms(t.P50)} / {Ms(t.P95)}" : "–";
            md.AppendLine(
                CultureInfo.InvariantCulture,
                $"| {r.Number} | {r.Name} | {r.Requests} | {Ms(r.Latency.P50)} / {Ms(r.Latency.P95)} / {Ms(r.Latency.Max)} | {firstToken} | " +
                $"{r.CacheHits} ({r.HitRatio:P0}) | {r.PrimaryRequests} / {r.FallbackRequests} | {Generators(r.AnsweredBy)} | {r.Degraded} |");
        }

        md.AppendLine();
        md.AppendLine("The failure scenarios by the primary model's circuit when each request started:");
        md.AppendLine();
        md.AppendLine("| # | Primary circuit | Requests | Latency p50 / p95 / max | Model requests (primary / fallback) | Answered by |");
        md.AppendLine("|---|---|---:|---:|---:|---|");
        foreach (var r in Scenarios.Where(r => r.Phases.Any(p => p.PrimaryCircuit != "closed")))
        {
            foreach (var phase in r.Phases)
            {
                md.AppendLine(
                    CultureInfo.InvariantCulture,
                    $"| {r.Number} | {phase.PrimaryCircuit} | {phase.Requests} | {Ms(phase.Latency.P50)} / {Ms(phase.Latency.P95)} / {Ms(phase.Latency.Max)} | " +
                    $"{phase.PrimaryRequests} / {phase.FallbackRequests} | {Generators(phase.AnsweredBy)} |");
            }
        }

        return md.ToString();
    }

    public static string Ms(double value) => value switch
    {
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{value:0.0} ms"),
        < 10_000 => string.Create(CultureInfo.InvariantCulture, $"{value:0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value / 1000:0.0} s"),
    };

    private static string Sec(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000:0.###} s");

    private static string Generators(IReadOnlyDictionary<string, int> answeredBy) =>
        string.Join(", ", answeredBy.Select(pair => $"{pair.Key} {pair.Value}"));
}

/// <summary>The scripted model and the resilience settings every model endpoint ran with.</summary>
internal sealed record ChatSettings(
    int Questions,
    double ModelLatencyMs,
    int Chunks,
    double ChunkDelayMs,
    double IntervalMs,
    double TimeoutMs,
    double BreakDurationMs,
    int MaxRetries,
    double DefaultTimeoutMs,
    double DefaultBreakDurationMs,
    int DefaultMaxRetries,
    double RetryBaseDelayMs,
    double FailureRatio,
    int MinimumThroughput,
    double SamplingDurationMs)
{
    public double ScriptedAnswerMs => ModelLatencyMs + ((Chunks - 1) * ChunkDelayMs);

    public static ChatSettings From(ChatOptions options, int questions)
    {
        // Everything not set by the benchmark is the product default.
        var defaults = new Verity.Llm.ModelEndpointOptions();
        return new ChatSettings(
            questions,
            options.ModelLatency.TotalMilliseconds,
            options.Chunks,
            options.ChunkDelay.TotalMilliseconds,
            options.Interval.TotalMilliseconds,
            options.Timeout.TotalMilliseconds,
            options.BreakDuration.TotalMilliseconds,
            options.MaxRetries ?? defaults.MaxRetries,
            defaults.Timeout.TotalMilliseconds,
            defaults.BreakDuration.TotalMilliseconds,
            defaults.MaxRetries,
            defaults.RetryBaseDelay.TotalMilliseconds,
            defaults.FailureRatio,
            defaults.MinimumThroughput,
            defaults.SamplingDuration.TotalMilliseconds);
    }
}
