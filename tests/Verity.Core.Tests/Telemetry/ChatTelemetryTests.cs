using System.Diagnostics;
using System.Runtime.CompilerServices;
using Verity.Core.Chat;
using Verity.Core.Guardrails;
using Verity.Core.Telemetry;
using Verity.Testing.Telemetry;

namespace Verity.Core.Tests.Telemetry;

/// <summary>The <c>verity.chat</c> span around an answer stream: its lifetime follows the enumeration, and it is the
/// parent of spans started in any step of the stream.</summary>
public sealed class ChatTelemetryTests
{
    private static readonly ChatRequest Request = new() { Question = "What is the refund window?", TenantId = "acme", TopK = 3 };

    [Fact]
    public async Task TraceAsync_SpanStartedAfterAYield_IsAChildOfTheChatSpan()
    {
        using var spans = new SpanRecorder();

        var events = await Collect(ChatTelemetry.TraceAsync(Request, Stages(failAfterFirst: false), CancellationToken.None));

        Assert.Equal(2, events.Count);
        var chat = spans.Single("verity.chat");
        SpanRecorder.AssertChildOf(spans.Root, chat);
        SpanRecorder.AssertChildOf(chat, spans.Single("verity.late"));
        Assert.Equal("acme", chat.GetTagItem("verity.tenant.id"));
        Assert.Equal(3, chat.GetTagItem("verity.retrieval.top_k"));
        Assert.Equal("router", chat.GetTagItem("verity.chat.generator"));
        Assert.Null(chat.GetTagItem("verity.chat.abandoned"));
        Assert.Same(spans.Root, Activity.Current);
    }

    [Fact]
    public async Task TraceAsync_NotEnumerated_StartsNoSpan()
    {
        using var spans = new SpanRecorder();

        var stream = ChatTelemetry.TraceAsync(Request, Stages(failAfterFirst: false), CancellationToken.None);
        await using (stream.GetAsyncEnumerator())
        {
        }

        Assert.Empty(spans.Spans);
    }

    [Fact]
    public async Task TraceAsync_StreamFailsInALaterStep_ChatSpanIsAnErrorNotAbandoned()
    {
        using var spans = new SpanRecorder();

        await Assert.ThrowsAsync<TimeoutException>(() => Collect(ChatTelemetry.TraceAsync(Request, Stages(failAfterFirst: true), CancellationToken.None)));

        var chat = spans.Single("verity.chat");
        Assert.Equal(ActivityStatusCode.Error, chat.Status);
        Assert.Equal(nameof(TimeoutException), chat.StatusDescription);
        Assert.Null(chat.GetTagItem("verity.chat.abandoned"));
    }

    [Fact]
    public async Task TraceAsync_CallerStopsBeforeTheResult_SpanEndsAbandonedAndTheInnerStreamIsDisposed()
    {
        using var spans = new SpanRecorder();
        var disposed = new StrongBox<bool>();

        await foreach (var e in ChatTelemetry.TraceAsync(Request, Stages(failAfterFirst: false, disposed), CancellationToken.None))
        {
            break;
        }

        Assert.True(disposed.Value);
        Assert.Equal(true, spans.Single("verity.chat").GetTagItem("verity.chat.abandoned"));
        Assert.Empty(spans.All("verity.late"));
    }

    private static async IAsyncEnumerable<ChatEvent> Stages(bool failAfterFirst, StrongBox<bool>? disposed = null)
    {
        try
        {
            yield return new ChatAnswering("router", null);
            await Task.Yield();
            if (failAfterFirst)
            {
                throw new TimeoutException("The stage timed out.");
            }

            using (VerityTelemetry.Source.StartActivity("verity.late"))
            {
            }

            yield return new ChatCompleted(new ChatResult("Hello.", [], false, [], "router", 0, 1, GuardrailReport.None));
        }
        finally
        {
            disposed?.Value = true;
        }
    }

    private static async Task<List<ChatEvent>> Collect(IAsyncEnumerable<ChatEvent> events)
    {
        var list = new List<ChatEvent>();
        await foreach (var e in events)
        {
            list.Add(e);
        }

        return list;
    }
}
