using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Verity.Core.Generation.Prompting;
using Verity.Core.Retrieval;
using Verity.Core.Telemetry;

namespace Verity.Core.Generation;

/// <summary>
/// Answers with a chat model from the grounded prompt. The text is returned as the model wrote it, invalid citation
/// markers included, so that the caller can report them before stripping them (<see cref="CitationChecker"/>,
/// <see cref="AnswerStreamFilter"/>). With no sources there is nothing to ground an answer on: the no-answer text
/// is returned without calling the model. Any failure of the model other than cancellation surfaces as
/// <see cref="ModelUnavailableException"/>, so that the caller falls back to the next generator.
/// </summary>
public sealed class LlmAnswerGenerator(ChatModel model, PromptBuilder prompts) : IAnswerGenerator
{
    public string Name => model.Name;

    public async Task<GeneratedAnswer> GenerateAsync(
        string question, IReadOnlyList<SearchResult> sources, CancellationToken cancellationToken)
    {
        if (sources.Count == 0)
        {
            return new GeneratedAnswer(prompts.NoAnswerText, false, [], Name);
        }

        var prompt = Render(question, sources);
        ChatResponse response;
        try
        {
            response = await model.Client.GetResponseAsync(prompt.Messages, Options(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or ModelUnavailableException))
        {
            throw Unavailable(e);
        }

        var text = response.Text;
        var citations = CitationChecker.Check(text, sources).Cited;
        return new GeneratedAnswer(text, citations.Count > 0 && !prompts.IsNoAnswer(text), citations, Name)
        {
            Usage = Usage(response.Usage),
        };
    }

    /// <summary>Text deltas as the model streams them, then, when the model reported usage, one last update
    /// carrying it.</summary>
    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(
        string question, IReadOnlyList<SearchResult> sources, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (sources.Count == 0)
        {
            yield return new AnswerUpdate(prompts.NoAnswerText);
            yield break;
        }

        var prompt = Render(question, sources);
        AnswerUsage? usage = null;
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = model.Client.GetStreamingResponseAsync(prompt.Messages, Options(), cancellationToken)
                .GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (e is not (OperationCanceledException or ModelUnavailableException))
        {
            throw Unavailable(e);
        }

        await using (updates.ConfigureAwait(false))
        {
            while (await NextAsync(updates).ConfigureAwait(false))
            {
                var update = updates.Current;
                // Providers report usage once, in the last chunk; should one repeat it, the latest total wins.
                if (update.Contents.OfType<UsageContent>().LastOrDefault() is { } reported)
                {
                    usage = Usage(reported.Details);
                }

                if (update.Text is { Length: > 0 } text)
                {
                    yield return new AnswerUpdate(text);
                }
            }
        }

        if (usage is not null)
        {
            yield return new AnswerUpdate("") { Usage = usage };
        }
    }

    private async ValueTask<bool> NextAsync(IAsyncEnumerator<ChatResponseUpdate> updates)
    {
        try
        {
            return await updates.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or ModelUnavailableException))
        {
            throw Unavailable(e);
        }
    }

    // The prompt's size is only known once rendered for this generator (the list is cut to its budget here).
    private BuiltPrompt Render(string question, IReadOnlyList<SearchResult> sources)
    {
        using var span = Spans.Start(Spans.PromptRender);
        var prompt = prompts.Build(question, sources);
        span?.SetTag(Tags.PromptSources, sources.Count)
            .SetTag(Tags.PromptSourceTokens, prompt.SourceTokens)
            .SetTag(Tags.PromptTemplate, prompt.TemplateId);
        return prompt;
    }

    private ChatOptions Options() => new()
    {
        ModelId = model.Model,
        MaxOutputTokens = model.MaxOutputTokens,
        Temperature = model.Temperature,
    };

    private ModelUnavailableException Unavailable(Exception inner) =>
        new(model.Name, $"The model '{model.Name}' failed to answer ({inner.GetType().Name}).", inner);

    private static AnswerUsage? Usage(UsageDetails? details) =>
        details is null ? null : new AnswerUsage(details.InputTokenCount ?? 0, details.OutputTokenCount ?? 0);
}
