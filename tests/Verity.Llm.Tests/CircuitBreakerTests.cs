using System.Diagnostics;
using Verity.Core;
using Verity.Testing.OpenAi;

namespace Verity.Llm.Tests;

public sealed class CircuitBreakerTests : ServerTest
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(5);

    private ResilientChatClient Breaking(TimeSpan? breakDuration = null) => ChatClient(o =>
    {
        o.MaxRetries = 0;
        o.MinimumThroughput = 4;
        o.FailureRatio = 0.5;
        o.BreakDuration = breakDuration ?? Break;
    });

    private async Task OpenAsync(ResilientChatClient client)
    {
        Server.Chat = _ => FakeReply.Error(503);
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));
        }
    }

    [Fact]
    public async Task GetResponseAsync_AfterEnoughFailures_FailsFastWithoutReachingTheServer()
    {
        using var client = Breaking();
        await OpenAsync(client);
        Assert.Equal(CircuitStatus.Open, Status().State);
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), watch.Elapsed.ToString());
        Assert.Equal(4, Server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.Equal("primary (fake-chat) is unavailable: circuit open after repeated failures (last: HTTP 503)", error.Message);
        Assert.Equal("HTTP 503", Status().LastError);
        Assert.Contains(7002, Logs.EventIds);
    }

    [Fact]
    public async Task GetResponseAsync_FailureThatOpensTheCircuit_IsNotRetriedSoTheCallerFallsBackAtOnce()
    {
        // A retry delay the manual clock never reaches: a retry after the circuit opened would hang here.
        using var client = ChatClient(o =>
        {
            o.MaxRetries = 2;
            o.RetryBaseDelay = TimeSpan.FromMinutes(10);
            o.MinimumThroughput = 2;
            o.FailureRatio = 0.5;
            o.BreakDuration = Break;
        });
        // 401 counts against the circuit without being retried; the 503 after it is the failure that opens it.
        Server.Chat = _ => FakeReply.Error(401);
        await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));
        Server.Chat = _ => FakeReply.Error(503);

        var second = client.GetResponseAsync(Question());
        var finished = await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(second, finished);
        await Assert.ThrowsAsync<ModelUnavailableException>(() => second);
        Assert.Equal(CircuitStatus.Open, Status().State);
        Assert.Equal(2, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }

    [Fact]
    public async Task GetResponseAsync_AfterTheBreak_ProbesHalfOpenThenCloses()
    {
        using var client = Breaking();
        await OpenAsync(client);
        Clock.Advance(Break);
        Assert.Equal(CircuitStatus.HalfOpen, Status().State);
        CircuitStatus? duringProbe = null;
        Server.Chat = r =>
        {
            duringProbe = Status().State;
            return FakeOpenAiServer.GroundedAnswer(r);
        };

        await client.GetResponseAsync(Question());

        Assert.Equal(CircuitStatus.HalfOpen, duringProbe);
        Assert.Equal(CircuitStatus.Closed, Status().State);
        await client.GetResponseAsync(Question());
        Assert.Equal(6, Server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.Contains(7003, Logs.EventIds);
        Assert.Contains(7004, Logs.EventIds);
    }

    [Fact]
    public async Task GetResponseAsync_ProbeFails_OpensAgain()
    {
        using var client = Breaking();
        await OpenAsync(client);
        Clock.Advance(Break);

        await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));
        await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.Equal(CircuitStatus.Open, Status().State);
        Assert.Equal(5, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }

    [Fact]
    public async Task GetResponseAsync_BeforeTheBreakIsOver_StaysOpen()
    {
        using var client = Breaking();
        await OpenAsync(client);
        Clock.Advance(Break / 2);

        await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.Equal(CircuitStatus.Open, Status().State);
        Assert.Equal(4, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }

    [Fact]
    public async Task GetResponseAsync_RealClock_HalfOpensAfterBreakDuration()
    {
        using var client = Breaking(TimeSpan.FromSeconds(0.5));
        await OpenAsync(client);
        Server.Chat = FakeOpenAiServer.GroundedAnswer;

        await Task.Delay(TimeSpan.FromSeconds(0.55));
        await client.GetResponseAsync(Question());

        Assert.Equal(CircuitStatus.Closed, Status().State);
    }

    [Fact]
    public async Task GetResponseAsync_BadRequests_DoNotOpenTheCircuit()
    {
        using var client = Breaking();
        Server.Chat = _ => FakeReply.Error(400);
        for (var i = 0; i < 6; i++)
        {
            await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));
        }

        Assert.Equal(CircuitStatus.Closed, Status().State);
        Assert.Equal(6, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamsDyingMidway_CountAgainstTheCircuit()
    {
        using var client = Breaking();
        Server.Chat = _ => FakeReply.Answer("aaaa bbbb cccc").Streamed(3).AbortingAfter(1);
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<ModelUnavailableException>(() => CollectAsync(client.GetStreamingResponseAsync(Question())));
        }

        // Each stream counted once as a success (it opened) and once as a failure (it died): 2 of 4 failed.
        Assert.Equal(CircuitStatus.Open, Status().State);
        await Assert.ThrowsAsync<ModelUnavailableException>(() => CollectAsync(client.GetStreamingResponseAsync(Question())));
        Assert.Equal(2, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }

    [Fact]
    public async Task GetStatus_SeveralEndpoints_ReportsEachOnItsOwn()
    {
        using var primary = Breaking();
        using var fallback = ChatClient(o => o.Name = "fallback-1");
        await OpenAsync(primary);
        Server.Chat = FakeOpenAiServer.GroundedAnswer;

        await fallback.GetResponseAsync(Question());

        var status = Endpoints.GetStatus();
        Assert.Equal(["primary", "fallback-1"], status.Select(s => s.Name));
        Assert.Equal([CircuitStatus.Open, CircuitStatus.Closed], status.Select(s => s.State));
        Assert.All(status, s => Assert.Equal(ModelEndpointKind.Chat, s.Kind));
        Assert.All(status, s => Assert.Equal(Server.BaseUrl.ToString(), s.Endpoint));
    }
}
