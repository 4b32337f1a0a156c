using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core.Generation.Prompting;
using Verity.Core.Retrieval;
using Verity.Core.Telemetry;

namespace Verity.Core.Generation;

/// <summary>
/// The configured models in fallback order (primary, then cheaper or secondary ones), always ending with the
/// extractive generator, which needs no model and cannot be down. A model that fails before it has written anything
/// is skipped silently; one that fails mid-answer has its partial text retracted, and the next generator answers in
/// full. Every failure is reported, so the response can say it is degraded and why. Each attempt is a
/// <c>verity.generate</c> span (outcome <c>ok</c>, <c>failed</c> or <c>retracted</c>, token usage).
/// </summary>
public sealed class GenerationChain
{
    private readonly IReadOnlyList<Link> _links;
    private readonly ILogger _logger;

    public GenerationChain(
        IEnumerable<ChatModel> models, PromptBuilder prompts, ExtractiveAnswerGenerator extractive, ILogger<GenerationChain>? logger = null)
    {
        _links =
        [
            .. models.Select(m => new Link(new LlmAnswerGenerator(m, prompts), m.Model)),
            new Link(extractive, null),
        ];
        _logger = logger ?? NullLogger<GenerationChain>.Instance;
        Fingerprint = string.Join('>', _links.Select(l => l.Model is null ? l.Generator.Name : $"{l.Generator.Name}:{l.Model}"));
    }

    /// <summary>True when at least one model is configured (so an extractive answer means degraded).</summary>
    public bool HasModels => _links.Count > 1;

    /// <summary>The chain's names and models in order, e.g. <c>primary:gpt-4o-mini>extractive</c>: part of every
    /// answer cache key, so changing the models never serves answers the old ones wrote.</summary>
    public string Fingerprint { get; }

    /// <summary>The extractive generator only, for when a model would have nothing to read.</summary>
    public IAsyncEnumerable<GenerationEvent> StreamExtractiveAsync(
        string question, IReadOnlyList<SearchResult> sources, CancellationToken cancellationToken) =>
        StreamAsync(_links.Skip(_links.Count - 1), question, sources, cancellationToken);

    public IAsyncEnumerable<GenerationEvent> StreamAsync(
        string question, IReadOnlyList<SearchResult> sources, CancellationToken cancellationToken) =>
        StreamAsync(_links, question, sources, cancellationToken);

    private async IAsyncEnumerable<GenerationEvent> StreamAsync(
        IEnumerable<Link> links, string question, IReadOnlyList<SearchResult> sources,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var link in links)
        {
            var generator = link.Generator;
            using var span = StartSpan(link);
            yield return new GenerationStarted(generator.Name, link.Model);
            var written = false;
            ModelUnavailableException? failure = null;
            var updates = generator.StreamAsync(question, sources, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    // A yield cannot sit inside a try with a catch, so the failure is caught around the move alone.
                    AnswerUpdate update;
                    try
                    {
                        Spans.Resume(span);
                        if (!await updates.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }

                        update = updates.Current;
                    }
                    catch (ModelUnavailableException e)
                    {
                        failure = e;
                        break;
                    }
                    catch (Exception e) when (Spans.Fail(span, e))
                    {
                        throw;
                    }

                    if (update.Text.Length > 0)
                    {
                        written = true;
                        yield return new GenerationDelta(update.Text);
                    }

                    if (update.Usage is { } usage)
                    {
                        span?.SetTag(Tags.GenAiInputTokens, usage.PromptTokens).SetTag(Tags.GenAiOutputTokens, usage.CompletionTokens);
                        yield return new GenerationUsage(usage);
                    }
                }
            }
            finally
            {
                await updates.DisposeAsync().ConfigureAwait(false);
            }

            if (failure is null)
            {
                span?.SetTag(Tags.GenerateOutcome, "ok");
                yield return new GenerationCompleted(generator.Name, link.Model);
                yield break;
            }

            Spans.MarkFailed(span, failure);
            span?.SetTag(Tags.GenerateOutcome, written ? "retracted" : "failed");

            Log.GeneratorFailed(_logger, generator.Name, written, failure.Message);
            yield return new GenerationFailed(generator.Name, link.Model, failure.Message, Retracted: written);
        }

        // Unreachable: the extractive generator is always last and never throws ModelUnavailableException.
        throw new InvalidOperationException("Every generator of the chain failed, including the extractive one.");
    }

    private static Activity? StartSpan(Link link)
    {
        var span = Spans.Start(Spans.Generate);
        if (span is not null && link.Model is { } model)
        {
            span.SetTag(Tags.GenAiOperation, "chat").SetTag(Tags.GenAiModel, model);
        }

        return span?.SetTag(Tags.Generator, link.Generator.Name);
    }

    private sealed record Link(IAnswerGenerator Generator, string? Model);
}

/// <summary>What happens while the chain answers, in order.</summary>
public abstract record GenerationEvent;

/// <summary>A generator starts answering (again from nothing, if an earlier one failed).</summary>
public sealed record GenerationStarted(string Generator, string? Model) : GenerationEvent;

/// <summary>The next characters of the current generator's answer.</summary>
public sealed record GenerationDelta(string Text) : GenerationEvent;

public sealed record GenerationUsage(AnswerUsage Usage) : GenerationEvent;

/// <summary>The generator gave up; when <paramref name="Retracted"/>, the text it wrote so far is void.</summary>
public sealed record GenerationFailed(string Generator, string? Model, string Reason, bool Retracted) : GenerationEvent;

/// <summary>The current generator finished; its text is the answer.</summary>
public sealed record GenerationCompleted(string Generator, string? Model) : GenerationEvent;
