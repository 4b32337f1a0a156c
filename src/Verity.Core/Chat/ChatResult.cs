using Verity.Core.Generation;
using Verity.Core.Guardrails;
using Verity.Core.Model;
using Verity.Core.Retrieval;

namespace Verity.Core.Chat;

public sealed record ChatRequest
{
    public required string Question { get; init; }
    public required string TenantId { get; init; }
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;
    public int? TopK { get; init; }
    public IReadOnlyDictionary<string, string>? Filters { get; init; }
    public IReadOnlyList<MetadataRange>? Ranges { get; init; }

    /// <summary>The caller's principals (see <see cref="SearchRequest.Principals"/>).</summary>
    public IReadOnlyCollection<string>? Principals { get; init; }
}

/// <param name="Sources">The chunks the answer was written from, numbered from 1 in this order; citations <c>[n]</c>
/// point here. Chunks the context guardrail excluded, duplicates and what did not fit the prompt's budget are not
/// among them.</param>
/// <param name="Grounded">True when the answer cites the sources it was given for enough of its sentences
/// (<see cref="GroundingOptions.MinCitedShare"/>); false for "I don't know", small talk and unsupported answers.</param>
/// <param name="Citations">Valid source numbers the answer cites, in first-use order.</param>
/// <param name="Generator">Who wrote the answer: a model's configured name (<c>primary</c>), <c>extractive</c>, or
/// <c>router</c> for small talk.</param>
public sealed record ChatResult(
    string Answer,
    IReadOnlyList<SearchResult> Sources,
    bool Grounded,
    IReadOnlyList<int> Citations,
    string Generator,
    double RetrievalMs,
    double LatencyMs,
    GuardrailReport Guardrails)
{
    /// <summary>The model id the generator sent to its endpoint; null for extractive and small-talk answers.</summary>
    public string? Model { get; init; }

    public ChatRoute Route { get; init; } = ChatRoute.Retrieval;

    /// <summary>What was searched: the question, or its condensed form when it was too long to search well.</summary>
    public string? SearchQuery { get; init; }

    /// <summary>True when the answer is worse than configured: a model failed and a fallback answered, or dense
    /// search was unavailable. <see cref="Degradations"/> says why.</summary>
    public bool Degraded => Degradations.Count > 0;

    public IReadOnlyList<string> Degradations { get; init; } = [];

    /// <summary>Served from the answer cache (same question, tenant, permissions and index version).</summary>
    public bool Cached { get; init; }

    public AnswerUsage? Usage { get; init; }

    /// <summary>The prompt template (<c>name@version</c>) the answer was written with.</summary>
    public string? Template { get; init; }

    /// <summary>How well the answer's citations hold up; null for small talk.</summary>
    public CitationReport? CitationCheck { get; init; }

    /// <summary>Citation markers that pointed to no source and were removed from the answer.</summary>
    public IReadOnlyList<int> RemovedCitations { get; init; } = [];

    /// <summary>A sentence for the reader when the answer needs a caveat (e.g. it cites none of its sources).</summary>
    public string? Notice { get; init; }

    /// <summary>The index version the answer was built on (<c>g{generation}.{changes}</c>).</summary>
    public string? IndexVersion { get; init; }
}

public enum ChatRoute
{
    /// <summary>Searched the documents and answered from them.</summary>
    Retrieval,

    /// <summary>Answered without searching (greetings, thanks, "what can you do").</summary>
    SmallTalk,
}

/// <summary>What a streamed answer sends, in order: one or more <see cref="ChatAnswering"/> (a new one after a
/// <see cref="ChatRetracted"/>), deltas, and one <see cref="ChatCompleted"/> with everything else.</summary>
public abstract record ChatEvent;

/// <summary>A generator starts writing the answer.</summary>
public sealed record ChatAnswering(string Generator, string? Model) : ChatEvent;

/// <summary>The next characters of the answer (citations already checked, PII already redacted).</summary>
public sealed record ChatDelta(string Text) : ChatEvent;

/// <summary>Everything streamed since the last <see cref="ChatAnswering"/> is void: the model failed mid-answer, and
/// the next generator answers from the start.</summary>
public sealed record ChatRetracted(string Generator, string Reason) : ChatEvent;

public sealed record ChatCompleted(ChatResult Result) : ChatEvent;
