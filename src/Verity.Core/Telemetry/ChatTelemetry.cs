using System.Diagnostics;
using System.Runtime.CompilerServices;
using Verity.Core.Chat;

namespace Verity.Core.Telemetry;

/// <summary>The <c>verity.chat</c> span around an answer stream.</summary>
internal static class ChatTelemetry
{
    /// <summary>
    /// Passes <paramref name="events"/> through inside a <c>verity.chat</c> span that starts at the first
    /// <c>MoveNextAsync</c> and ends when the stream ends, fails, or is disposed by a caller that stopped listening
    /// (tagged <c>verity.chat.abandoned</c> when that was before the result). The span is made current again for every step, so the spans of
    /// stages that run after the first event (generation) are its children rather than the caller's.
    /// </summary>
    public static async IAsyncEnumerable<ChatEvent> TraceAsync(
        ChatRequest request, IAsyncEnumerable<ChatEvent> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var span = Spans.Start(Spans.Chat);
        span?.SetTag(Tags.Tenant, request.TenantId)
            .SetTag(Tags.ChatMode, Spans.ModeName(request.Mode))
            .SetTag(Tags.TopK, request.TopK ?? ChatService.DefaultSources);

        var ended = false;
        var stream = events.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                // Until the move succeeds, an exit from here is the stream's own end (or failure), not the caller's.
                ended = true;
                ChatEvent current;
                try
                {
                    Spans.Resume(span);
                    if (!await stream.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    current = stream.Current;
                }
                catch (Exception e) when (Spans.Fail(span, e))
                {
                    throw;
                }

                // The result is the last event: a caller may stop right after it (AskAsync does) without abandoning.
                ended = current is ChatCompleted;
                if (current is ChatCompleted completed && span is not null)
                {
                    Describe(span, completed.Result);
                }

                yield return current;
            }
        }
        finally
        {
            if (!ended)
            {
                span?.SetTag(Tags.ChatAbandoned, true);
            }

            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Describe(Activity span, ChatResult result)
    {
        span.SetTag(Tags.ChatRoute, result.Route == ChatRoute.SmallTalk ? "small_talk" : "retrieval")
            .SetTag(Tags.ChatGenerator, result.Generator)
            .SetTag(Tags.GenAiModel, result.Model)
            .SetTag(Tags.ChatGrounded, result.Grounded)
            .SetTag(Tags.ChatDegraded, result.Degraded)
            .SetTag(Tags.ChatCached, result.Cached)
            .SetTag(Tags.ChatCitations, result.Citations.Count)
            .SetTag(Tags.ChatSources, result.Sources.Count);
        if (result.Usage is { } usage)
        {
            span.SetTag(Tags.GenAiInputTokens, usage.PromptTokens).SetTag(Tags.GenAiOutputTokens, usage.CompletionTokens);
        }
    }
}
