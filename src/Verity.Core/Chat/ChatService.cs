using System.Diagnostics;
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
/// point here. Chunks the context guardrail excluded are not among them (they are in <paramref name="Guardrails"/>).</param>
public sealed record ChatResult(
    string Answer,
    IReadOnlyList<SearchResult> Sources,
    bool Grounded,
    IReadOnlyList<int> Citations,
    string Generator,
    double RetrievalMs,
    double LatencyMs,
    GuardrailReport Guardrails);

/// <summary>Question → input guardrails → retrieval (inside the caller's permissions) → context guardrails (indirect
/// injection in retrieved chunks) → answer generation → PII redaction of the answer.</summary>
public sealed class ChatService(Retriever retriever, IAnswerGenerator generator, GuardrailOptions guardrails)
{
    private readonly PiiRedactor? _redactor = guardrails.RedactPiiInAnswers ? PiiRedactor.FromOptions(guardrails) : null;

    /// <summary>Sources handed to the generator (and returned) when the caller does not say.</summary>
    public const int DefaultSources = 5;

    public async Task<ChatResult> AskAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Presence and size first, with the plain message; then the guardrails' content checks.
        QueryPolicy.Validate(request.Question, retriever.Options.MaxQueryLength);
        var input = InputGuard.Check(request.Question, guardrails);
        if (!input.Allowed)
        {
            throw new GuardrailRejectedException(input);
        }

        var search = await retriever.SearchAsync(
            new SearchRequest
            {
                Query = request.Question,
                TenantId = request.TenantId,
                Mode = request.Mode,
                TopK = request.TopK ?? DefaultSources,
                Filters = request.Filters,
                Ranges = request.Ranges,
                Principals = request.Principals,
            },
            cancellationToken).ConfigureAwait(false);

        var context = ContextGuard.Filter(search.Results, guardrails);
        var answer = await generator.GenerateAsync(search.Query, context.Kept, cancellationToken).ConfigureAwait(false);
        var redaction = _redactor?.Redact(answer.Text);

        // The excerpts shown beside the answer are output too.
        var sources = _redactor is null
            ? context.Kept
            : context.Kept.Select(s => s with { Excerpt = _redactor.Redact(s.Excerpt).Text }).ToList();
        return new ChatResult(
            redaction?.Text ?? answer.Text,
            sources,
            answer.Grounded,
            answer.Citations,
            answer.Generator,
            search.ElapsedMs,
            Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            GuardrailReport.Create(input, context, redaction));
    }
}
