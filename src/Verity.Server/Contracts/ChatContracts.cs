using Verity.Core.Chat;
using Verity.Core.Generation;
using Verity.Core.Guardrails;
using Verity.Core.Model;

namespace Verity.Server.Contracts;

/// <param name="Question">What to answer (<c>query</c> is accepted as an alias).</param>
/// <param name="Stream">True to receive the answer as Server-Sent Events while it is written.</param>
public sealed record ChatRequestBody(
    string? Question,
    string? Query,
    SearchMode? Mode,
    int? TopK,
    Dictionary<string, string>? Filters,
    Dictionary<string, RangeDto>? Ranges = null,
    bool? Stream = null);

/// <summary>The answer with its numbered sources and everything needed to judge it: who wrote it, whether it is
/// grounded, degraded or cached, and how its citations held up.</summary>
public sealed record ChatResponseBody(
    string Answer,
    IReadOnlyList<SourceDto> Sources,
    bool Grounded,
    IReadOnlyList<int> Citations,
    string Generator,
    double LatencyMs,
    GuardrailReport? Guardrails = null)
{
    /// <summary>The model id that wrote the answer; null for extractive and small-talk answers.</summary>
    public string? Model { get; init; }

    public ChatRoute Route { get; init; }

    /// <summary>What was searched: the question, or its condensed form.</summary>
    public string? SearchQuery { get; init; }

    public bool Degraded { get; init; }

    /// <summary>Why the answer is degraded, one sentence per cause.</summary>
    public IReadOnlyList<string> Degradations { get; init; } = [];

    public bool Cached { get; init; }

    public UsageDto? Usage { get; init; }

    /// <summary>The prompt template (<c>name@version</c>) a model answered with.</summary>
    public string? Template { get; init; }

    public CitationCheckDto? CitationCheck { get; init; }

    /// <summary>Citation markers that pointed to no source and were removed from the answer.</summary>
    public IReadOnlyList<int> RemovedCitations { get; init; } = [];

    /// <summary>A caveat for the reader, e.g. that the answer does not cite its sources.</summary>
    public string? Notice { get; init; }

    public string? IndexVersion { get; init; }

    public double RetrievalMs { get; init; }
}

/// <summary>Tokens as the model reported them (OpenAI's names).</summary>
public sealed record UsageDto(long PromptTokens, long CompletionTokens, long TotalTokens);

/// <param name="Sentences">Answer sentences with content words.</param>
/// <param name="CitedSentences">Sentences followed by a valid citation.</param>
/// <param name="SupportedSentences">Cited sentences whose words the cited sources contain.</param>
/// <param name="InvalidCitations">Markers that pointed to no source.</param>
public sealed record CitationCheckDto(
    int Sentences, int CitedSentences, int SupportedSentences, double CitedShare, double SupportedShare, int InvalidCitations);

/// <summary>Server-Sent Event <c>answering</c>: a generator starts writing the answer (again, after a retraction).</summary>
public sealed record AnsweringEventDto(string Generator, string? Model);

/// <summary>Server-Sent Event <c>token</c>: the next characters of the answer.</summary>
public sealed record TokenEventDto(string Text);

/// <summary>Server-Sent Event <c>retract</c>: discard the text received since the last <c>answering</c>.</summary>
public sealed record RetractEventDto(string Generator, string Reason);

public static class ChatMapping
{
    public static ChatResponseBody ToResponse(this ChatResult result) =>
        new(
            result.Answer,
            result.Sources.Select((s, i) => s.ToSource(i + 1)).ToList(),
            result.Grounded,
            result.Citations,
            result.Generator,
            Math.Round(result.LatencyMs, 2),
            result.Guardrails)
        {
            Model = result.Model,
            Route = result.Route,
            SearchQuery = result.SearchQuery,
            Degraded = result.Degraded,
            Degradations = result.Degradations,
            Cached = result.Cached,
            Usage = result.Usage?.ToDto(),
            Template = result.Template,
            CitationCheck = result.CitationCheck is { } check
                ? new CitationCheckDto(
                    check.Sentences, check.CitedSentences, check.SupportedSentences, Math.Round(check.CitedShare, 4),
                    Math.Round(check.SupportedShare, 4), check.InvalidCitations)
                : null,
            RemovedCitations = result.RemovedCitations,
            Notice = result.Notice,
            IndexVersion = result.IndexVersion,
            RetrievalMs = Math.Round(result.RetrievalMs, 2),
        };

    public static UsageDto ToDto(this AnswerUsage usage) => new(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens);
}
