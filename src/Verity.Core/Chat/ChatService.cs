using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Verity.Core.Caching;
using Verity.Core.Generation;
using Verity.Core.Generation.Prompting;
using Verity.Core.Guardrails;
using Verity.Core.Retrieval;
using Verity.Core.Routing;
using Verity.Core.Telemetry;

namespace Verity.Core.Chat;

/// <summary>
/// Question → input guardrails → routing (small talk needs no search; a long message is condensed into a query) →
/// answer cache (keyed by tenant, permissions and index version) → retrieval inside the caller's permissions →
/// context guardrails → prompt selection (duplicates dropped, token budget) → the generation chain (models in
/// fallback order, then extractive) → citation check and PII redaction as the answer streams. Each stage is a span
/// under <c>verity.chat</c>; every answer is counted in <see cref="RagMetrics"/> when one is given.
/// </summary>
public sealed class ChatService(
    Retriever retriever,
    GenerationChain chain,
    PromptBuilder prompts,
    QueryRouter router,
    IQueryCondenser condenser,
    AnswerCache answers,
    IIndexStore store,
    GuardrailOptions guardrails,
    GroundingOptions grounding,
    ExtractiveOptions extractive,
    RagMetrics? metrics = null)
{
    private readonly PiiRedactor? _redactor = guardrails.RedactPiiInAnswers ? PiiRedactor.FromOptions(guardrails) : null;

    /// <summary>Sources handed to the generator (and returned) when the caller does not say.</summary>
    public const int DefaultSources = 5;

    /// <summary>The whole answer at once: the streamed answer, collected.</summary>
    public async Task<ChatResult> AskAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        await foreach (var update in StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (update is ChatCompleted completed)
            {
                return completed.Result;
            }
        }

        throw new InvalidOperationException("The answer stream ended without a result.");
    }

    /// <summary>The answer as it is written. Validation, guardrails and retrieval run before the first event, so a
    /// host can still answer an invalid request with an error status. When traced, the <c>verity.chat</c> span starts
    /// with the first event requested and ends when the stream ends or is disposed.</summary>
    public IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, CancellationToken cancellationToken) =>
        VerityTelemetry.Source.HasListeners()
            ? ChatTelemetry.TraceAsync(request, StreamCoreAsync(request, cancellationToken), cancellationToken)
            : StreamCoreAsync(request, cancellationToken);

    private async IAsyncEnumerable<ChatEvent> StreamCoreAsync(
        ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var input = CheckInput(request.Question);
        var route = Route(request.Question);
        if (route.Kind == RouteKind.SmallTalk)
        {
            var reply = route.Reply ?? "";
            metrics?.RecordAnswer("router", degraded: false, cached: false, grounded: null);
            yield return new ChatAnswering("router", null);
            yield return new ChatDelta(reply);
            yield return new ChatCompleted(
                new ChatResult(reply, [], false, [], "router", 0, Elapsed(started), GuardrailReport.Create(input))
                {
                    Route = ChatRoute.SmallTalk,
                });
            yield break;
        }

        var searchQuery = route.Kind == RouteKind.Condense
            ? await CondenseAsync(request.Question, cancellationToken).ConfigureAwait(false)
            : request.Question;

        IndexVersion version;
        AnswerCacheKey cacheKey;
        ChatResult? hit;
        using (var span = Spans.Start(Spans.CacheLookup))
        {
            try
            {
                version = await store.GetIndexVersionAsync(request.TenantId, cancellationToken).ConfigureAwait(false);
                cacheKey = AnswerCacheKey.Create(
                    request.Question, request.TenantId, request.Principals, version, request.Mode, request.TopK ?? DefaultSources,
                    request.Filters, request.Ranges, $"{prompts.TemplateId}|{chain.Fingerprint}|{grounding.MinCitedShare}");
                hit = await answers.GetAsync<ChatResult>(cacheKey, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Spans.Fail(span, e))
            {
                throw;
            }

            span?.SetTag(Tags.CacheHit, hit is not null).SetTag(Tags.IndexVersion, version.ToString());
        }

        if (hit is not null)
        {
            var cached = hit with { Cached = true, LatencyMs = Elapsed(started), RetrievalMs = 0 };
            metrics?.RecordAnswer(cached.Generator, cached.Degraded, cached: true, cached.Grounded);
            yield return new ChatAnswering(cached.Generator, cached.Model);
            yield return new ChatDelta(cached.Answer);
            yield return new ChatCompleted(cached);
            yield break;
        }

        var search = await retriever.SearchAsync(
            new SearchRequest
            {
                Query = searchQuery,
                TenantId = request.TenantId,
                Mode = request.Mode,
                TopK = request.TopK ?? DefaultSources,
                Filters = request.Filters,
                Ranges = request.Ranges,
                Principals = request.Principals,
            },
            cancellationToken).ConfigureAwait(false);

        var context = GuardContext(search.Results);
        var sources = SelectSources(context.Kept);
        var degradations = new List<string>();
        if (search.Degradation is { } searchDegradation)
        {
            degradations.Add(searchDegradation);
        }

        // With nothing to read, a model could only say it does not know: the extractive generator says so for free.
        var generation = sources.Count == 0
            ? chain.StreamExtractiveAsync(request.Question, sources, cancellationToken)
            : chain.StreamAsync(request.Question, sources, cancellationToken);

        var filter = new AnswerStreamFilter(sources.Count, _redactor);
        var answer = new StringBuilder();
        string generator = "extractive";
        string? model = null;
        AnswerUsage? usage = null;
        await foreach (var step in generation.ConfigureAwait(false))
        {
            switch (step)
            {
                case GenerationStarted s:
                    (generator, model) = (s.Generator, s.Model);
                    yield return new ChatAnswering(s.Generator, s.Model);
                    break;
                case GenerationDelta d when filter.Push(d.Text) is { Length: > 0 } released:
                    answer.Append(released);
                    yield return new ChatDelta(released);
                    break;
                case GenerationUsage u:
                    usage = u.Usage;
                    break;
                case GenerationFailed f:
                    degradations.Add($"{f.Generator} was unavailable: {f.Reason}");
                    if (f.Retracted)
                    {
                        yield return new ChatRetracted(f.Generator, f.Reason);
                    }

                    // The next generator starts from nothing, with a fresh filter.
                    answer.Clear();
                    filter = new AnswerStreamFilter(sources.Count, _redactor);
                    usage = null;
                    break;
                case GenerationCompleted when filter.Complete() is { Length: > 0 } rest:
                    answer.Append(rest);
                    yield return new ChatDelta(rest);
                    break;
            }
        }

        var text = answer.ToString();
        var check = CitationChecker.Check(text, sources);
        var noAnswer = IsNoAnswer(text);
        var grounded = !noAnswer && check.Cited.Count > 0 && check.CitedShare >= grounding.MinCitedShare;
        var redactedSources = _redactor is null
            ? sources
            : [.. sources.Select(s => s with { Excerpt = _redactor.Redact(s.Excerpt).Text })];
        var result = new ChatResult(
            text,
            redactedSources,
            grounded,
            check.Cited,
            generator,
            search.ElapsedMs,
            Elapsed(started),
            GuardrailReport.Create(input, context) with { AnswerRedactions = filter.Redactions, RedactionTimedOut = filter.TimedOut })
        {
            Model = model,
            SearchQuery = searchQuery,
            Degradations = degradations,
            Usage = usage,
            Template = model is null ? null : prompts.TemplateId,
            CitationCheck = check,
            RemovedCitations = filter.Removed,
            Notice = grounded || noAnswer ? null : grounding.UnsupportedNotice,
            IndexVersion = version.ToString(),
        };

        // A degraded answer is not kept: once the model is back, the next caller should get its answer.
        if (!result.Degraded)
        {
            await answers.SetAsync(cacheKey, result, cancellationToken).ConfigureAwait(false);
        }

        metrics?.RecordAnswer(result.Generator, result.Degraded, cached: false, result.Grounded);
        yield return new ChatCompleted(result);
    }

    // Presence and size first, with the plain message; then the guardrails' content checks.
    private GuardrailDecision CheckInput(string question)
    {
        using var span = Spans.Start(Spans.InputGuardrails);
        try
        {
            QueryPolicy.Validate(question, retriever.Options.MaxQueryLength);
            var input = InputGuard.Check(question, guardrails);
            span?.SetTag(Tags.GuardrailsAllowed, input.Allowed).SetTag(Tags.GuardrailsReasons, input.Reasons.Count);
            return input.Allowed ? input : throw new GuardrailRejectedException(input);
        }
        catch (Exception e) when (Spans.Fail(span, e))
        {
            throw;
        }
    }

    private QueryRoute Route(string question)
    {
        using var span = Spans.Start(Spans.Route);
        var route = router.Route(question);
        span?.SetTag(Tags.RouteKind, route.Kind switch
        {
            RouteKind.SmallTalk => "small_talk",
            RouteKind.Condense => "condense",
            _ => "retrieve",
        });
        return route;
    }

    private Task<string> CondenseAsync(string question, CancellationToken cancellationToken) =>
        VerityTelemetry.Source.HasListeners()
            ? CondenseTracedAsync(question, cancellationToken)
            : condenser.CondenseAsync(question, cancellationToken);

    private async Task<string> CondenseTracedAsync(string question, CancellationToken cancellationToken)
    {
        using var span = Spans.Start(Spans.Condense);
        try
        {
            return await condenser.CondenseAsync(question, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Spans.Fail(span, e))
        {
            throw;
        }
    }

    private ContextFilterResult GuardContext(IReadOnlyList<SearchResult> results)
    {
        using var span = Spans.Start(Spans.ContextGuardrails);
        var context = ContextGuard.Filter(results, guardrails);
        span?.SetTag(Tags.GuardrailsFlagged, context.Flagged.Count).SetTag(Tags.GuardrailsExcluded, context.ExcludedCount);
        return context;
    }

    private IReadOnlyList<SearchResult> SelectSources(IReadOnlyList<SearchResult> kept)
    {
        using var span = Spans.Start(Spans.Prompt);
        var sources = prompts.SelectSources(kept);
        span?.SetTag(Tags.PromptCandidates, kept.Count)
            .SetTag(Tags.PromptSources, sources.Count)
            .SetTag(Tags.PromptTemplate, prompts.TemplateId);
        return sources;
    }

    private bool IsNoAnswer(string text) =>
        string.IsNullOrWhiteSpace(text)
        || prompts.IsNoAnswer(text)
        || text.TrimStart().StartsWith(prompts.NoAnswerText.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
        || text.StartsWith(extractive.NoAnswerText, StringComparison.OrdinalIgnoreCase);

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
