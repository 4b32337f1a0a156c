using System.Diagnostics;
using Microsoft.Extensions.AI;
using Verity.Core;
using Verity.Testing.OpenAi;

namespace Verity.Llm.Tests;

public sealed class StreamingTests : ServerTest
{
    [Fact]
    public async Task GetStreamingResponseAsync_ConnectionDropsMidway_ThrowsAfterThePartialUpdatesWithoutRetry()
    {
        Server.Chat = _ => FakeReply.Answer("aaaa bbbb cccc dddd").Streamed(4).AbortingAfter(2);
        using var client = ChatClient();
        var updates = new List<ChatResponseUpdate>();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => CollectAsync(client.GetStreamingResponseAsync(Question()), updates));

        Assert.Equal("aaaa bbbb", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(1, Server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.Equal("primary (fake-chat) is unavailable: connection dropped", error.Message);
        Assert.Equal("connection dropped", Status().LastError);
        Assert.Contains(7007, Logs.EventIds);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StallsMidway_IdleTimeoutEndsIt()
    {
        Server.Chat = _ => FakeReply.Answer("one two three").Streamed(3, TimeSpan.FromSeconds(3));
        using var client = ChatClient(o => o.StreamIdleTimeout = TimeSpan.FromMilliseconds(150));
        var updates = new List<ChatResponseUpdate>();
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => CollectAsync(client.GetStreamingResponseAsync(Question()), updates));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
        Assert.Equal("one ", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("primary (fake-chat) is unavailable: no update for 0.15 s in the middle of the answer", error.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailsBeforeTheFirstUpdate_IsRetried()
    {
        Server.EnqueueChat(FakeReply.Error(503));
        Server.Chat = r => FakeOpenAiServer.GroundedAnswer(r).Streamed(3);
        using var client = ChatClient();

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Question("[2] The fee is 10 euros.")));

        Assert.Equal("The fee is 10 euros. [2]", updates.ToChatResponse().Text);
        Assert.Equal(2, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HangsBeforeTheFirstUpdate_TimesOutAndRetries()
    {
        Server.EnqueueChat(FakeReply.Hang());
        using var client = ChatClient(o => o.Timeout = TimeSpan.FromMilliseconds(500));
        var watch = Stopwatch.StartNew();

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Question()));

        Assert.Equal(FakePrompt.NoSourceAnswer, updates.ToChatResponse().Text);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(480), watch.Elapsed.ToString());
        Assert.Equal(2, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LongerThanTheAttemptTimeout_IsNotCutOnceStarted()
    {
        Server.Chat = _ => FakeReply.Answer("slow but steady answer").Streamed(4, TimeSpan.FromMilliseconds(200));
        using var client = ChatClient(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(500);
            o.StreamIdleTimeout = TimeSpan.FromSeconds(2);
        });

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Question()));

        Assert.Equal("slow but steady answer", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerCancelsMidway_ThrowsOperationCanceled()
    {
        Server.Chat = _ => FakeReply.Answer("one two three").Streamed(3, TimeSpan.FromSeconds(3));
        using var client = ChatClient();
        using var cancellation = new CancellationTokenSource();
        var texts = new List<string>();

        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Question(), cancellationToken: cancellation.Token))
            {
                texts.Add(update.Text);
                if (update.Text.Length > 0)
                {
                    await cancellation.CancelAsync();
                }
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal("one ", string.Concat(texts));
        Assert.Null(Status().LastError);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConsumerStopsEarly_IsNotAFailure()
    {
        Server.Chat = _ => FakeReply.Answer("one two three").Streamed(3, TimeSpan.FromMilliseconds(500));
        using var client = ChatClient();

        await foreach (var update in client.GetStreamingResponseAsync(Question()))
        {
            if (update.Text.Length > 0)
            {
                break;
            }
        }

        Assert.Null(Status().LastError);
        Assert.Equal(CircuitStatus.Closed, Status().State);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ServerError_AfterRetriesIsModelUnavailable()
    {
        Server.Chat = _ => FakeReply.Error(502);
        using var client = ChatClient(o => o.MaxRetries = 1);

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => CollectAsync(client.GetStreamingResponseAsync(Question())));

        Assert.Equal("primary (fake-chat) is unavailable: HTTP 502", error.Message);
        Assert.Equal(2, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }
}
