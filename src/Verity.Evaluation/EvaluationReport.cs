using System.Text.Json.Serialization;
using Verity.Evaluation.Metrics;

namespace Verity.Evaluation;

/// <summary>Everything one evaluation run measured; serialised as the <c>--json</c> output.</summary>
public sealed record EvaluationReport
{
    public required string Dataset { get; init; }
    public required int Queries { get; init; }
    public required IndexSummary Index { get; init; }
    public required IReadOnlyList<RunResult> Runs { get; init; }

    /// <summary>Seconds each system took to build its index from the corpus (Verity: ingest, 0 when reused).</summary>
    public required IReadOnlyDictionary<string, double> BuildSeconds { get; init; }

    public AnswerResult? Answers { get; init; }
    public required MachineInfo Machine { get; init; }
    public required DateTimeOffset MeasuredAt { get; init; }
}

public sealed record IndexSummary(
    int Documents, int Chunks, string EmbeddingModel, string ChunkerVersion, bool Reused, double IngestSeconds, int Failed);

/// <param name="Name">lexical, dense, hybrid, or a peer's name.</param>
/// <param name="Kind">"verity" or "peer".</param>
public sealed record RunResult(
    string Name,
    string Kind,
    [property: JsonPropertyName("ndcg_at_10")] double NdcgAt10,
    [property: JsonPropertyName("recall_at_10")] double RecallAt10,
    [property: JsonPropertyName("recall_at_100")] double RecallAt100,
    [property: JsonPropertyName("mrr_at_10")] double MrrAt10,
    LatencySummary LatencyMs,
    double QueriesPerSecond);

/// <param name="Questions">In-domain questions (the dataset's test queries) answered.</param>
/// <param name="AnsweredRate">Share answered with grounded: true (the rest were "I don't know").</param>
/// <param name="CitationPrecision">Of all citations in grounded answers, the share pointing to a chunk of a
/// document judged relevant to the question.</param>
/// <param name="SupportedSentenceShare">Of all answer sentences, the share a cited chunk supports.</param>
/// <param name="InvalidCitations">Markers pointing to no source.</param>
/// <param name="OffTopicQuestions">Generated questions the corpus cannot answer.</param>
/// <param name="OffTopicIdkRate">Share of those answered "I don't know" (grounded: false).</param>
public sealed record AnswerResult(
    int Questions,
    double AnsweredRate,
    double CitationPrecision,
    double SupportedSentenceShare,
    int InvalidCitations,
    int OffTopicQuestions,
    double OffTopicIdkRate,
    LatencySummary LatencyMs);

public sealed record MachineInfo(string Os, int Cores, string Runtime, long MemoryBytes)
{
    public static MachineInfo Current() => new(
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        Environment.ProcessorCount,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
}
