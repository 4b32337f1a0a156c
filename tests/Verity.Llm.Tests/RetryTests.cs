using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Verity.Core;
using Verity.Testing.OpenAi;

namespace Verity.Llm.Tests;

public sealed class RetryTests : ServerTest
{
    [Fact]
    public async Task GetResponseAsync_503ThenSuccess_RetriesAndAnswers()
    {
        Server.EnqueueChat(FakeReply.Error(503));
        using var client = ChatClient();

        var response = await client.GetResponseAsync(Question("[1] Lunch is at noon."));

        Assert.Equal("Lunch is at noon. [1]", response.Text);
        Assert.Equal(2, Server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.Equal("HTTP 503", Status().LastError);
        Assert.Equal(CircuitStatus.Closed, Status().State);
        Assert.Contains(7001, Logs.EventIds);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionDroppedBeforeAnswering_IsRetried()
    {
        Server.EnqueueChat(FakeReply.Answer("lost").AbortingAfter(0));
        using var client = ChatClient();

        var response = await client.GetResponseAsync(Question("[1] Kept."));

        Assert.Equal("Kept. [1]", response.Text);
        Assert.Equal(2, Server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.StartsWith("connection", Status().LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task GetResponseAsync_TransientStatus_IsRetried(int status)
    {
        Server.EnqueueChat(FakeReply.Error(status));
        using var client = ChatClient();

        await client.GetResponseAsync(Question());

        Assert.Equal(2, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfter_WaitsAsLongAsAsked()
    {
        Server.EnqueueChat(FakeReply.Error(429, retryAfter: TimeSpan.FromMilliseconds(400)));
        using var client = ChatClient();
        var watch = Stopwatch.StartNew();

        await client.GetResponseAsync(Question());

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(380), watch.Elapsed.ToString());
        var requests = Server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].ReceivedAt - requests[0].ReceivedAt >= TimeSpan.FromMilliseconds(380));
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterBeyondTheCap_GivesUpAtOnce()
    {
        Server.EnqueueChat(FakeReply.Error(429, retryAfter: TimeSpan.FromSeconds(30)));
        using var client = ChatClient(o => o.MaxRetryAfter = TimeSpan.FromSeconds(1));
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), watch.Elapsed.ToString());
        Assert.Equal(1, Server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.Equal("primary (fake-chat) is unavailable: HTTP 429 (rate limited)", error.Message);
    }

    [Theory]
    [InlineData(400, "HTTP 400")]
    [InlineData(401, "HTTP 401 (check the API key)")]
    [InlineData(403, "HTTP 403 (check the API key)")]
    [InlineData(404, "HTTP 404 (check the endpoint URL and the model name)")]
    public async Task GetResponseAsync_ClientError_IsNotRetried(int status, string reason)
    {
        Server.Chat = _ => FakeReply.Error(status);
        using var client = ChatClient();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.Equal(1, Server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.Equal("primary", error.Model);
        Assert.True(error.IsTransient);
        Assert.Equal("primary (fake-chat) is unavailable: " + reason, error.Message);
        Assert.Equal(reason, Status().LastError);
        Assert.NotNull(Status().LastFailureAt);
    }

    [Fact]
    public async Task GetResponseAsync_AlwaysFailing_TriesOncePlusMaxRetries()
    {
        Server.Chat = _ => FakeReply.Error(503);
        using var client = ChatClient(o => o.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.Equal(3, Server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.Equal("primary (fake-chat) is unavailable: HTTP 503", error.Message);
        Assert.Contains(7005, Logs.EventIds);
    }

    [Fact]
    public async Task GetResponseAsync_HangingServer_EachAttemptTimesOut()
    {
        Server.Chat = _ => FakeReply.Hang();
        using var client = ChatClient(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(200);
            o.MaxRetries = 1;
        });
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(380), TimeSpan.FromSeconds(3));
        Assert.Equal(2, Server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.Equal("primary (fake-chat) is unavailable: no response within 0.2 s", error.Message);
    }

    [Fact]
    public async Task GetResponseAsync_HangingServer_TotalTimeoutEndsTheRetriesEarly()
    {
        Server.Chat = _ => FakeReply.Hang();
        using var client = ChatClient(o =>
        {
            // Five retries would mean six attempts (1.8 s); the total bound leaves room for about two.
            o.Timeout = TimeSpan.FromMilliseconds(300);
            o.MaxRetries = 5;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.TotalTimeout = TimeSpan.FromMilliseconds(700);
        });

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.Equal("primary (fake-chat) is unavailable: no response within 0.7 s over all attempts", error.Message);
        // Requests still on their way when the bound fired may never be counted (a loaded machine): only the ceiling holds.
        Assert.InRange(Server.CountRequests(FakeOpenAiServer.ChatPath), 0, 3);
    }

    [Fact]
    public async Task GetResponseAsync_SlowButInTime_Answers()
    {
        Server.Chat = r => FakeOpenAiServer.GroundedAnswer(r).WithDelay(TimeSpan.FromMilliseconds(150));
        using var client = ChatClient(o => o.Timeout = TimeSpan.FromSeconds(3));

        var response = await client.GetResponseAsync(Question());

        Assert.Equal(FakePrompt.NoSourceAnswer, response.Text);
        Assert.Equal(1, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancels_ThrowsOperationCanceledAndRecordsNoFailure()
    {
        Server.Chat = _ => FakeReply.Hang();
        using var client = ChatClient();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        var error = await Record.ExceptionAsync(() => client.GetResponseAsync(Question(), cancellationToken: cancellation.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(1, Server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.Null(Status().LastError);
    }

    [Fact]
    public async Task GetResponseAsync_NothingListening_IsAConnectionFailure()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = ChatClient(o =>
        {
            o.Endpoint = $"http://127.0.0.1:{port}/v1/";
            o.MaxRetries = 1;
        });

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.Equal("primary (fake-chat) is unavailable: connection failed (ConnectionError)", error.Message);
    }

    [Theory]
    [InlineData("250", null, 250)]
    [InlineData(null, "3", 3000)]
    [InlineData("1500", "2", 1500)]
    [InlineData(null, "Wed, 01 Jan 2025 00:00:05 GMT", 5000)]
    [InlineData(null, "Tue, 31 Dec 2024 23:59:00 GMT", 0)]
    public void ParseRetryAfter_HeaderForms_GiveTheWait(string? milliseconds, string? retryAfter, int expectedMs)
    {
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var wait = FailureClassifier.ParseRetryAfter(milliseconds, retryAfter, now);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), wait);
    }

    [Fact]
    public void ParseRetryAfter_NoneOrGarbage_IsNull()
    {
        Assert.Null(FailureClassifier.ParseRetryAfter(null, null, DateTimeOffset.UnixEpoch));
        Assert.Null(FailureClassifier.ParseRetryAfter("soon", "later", DateTimeOffset.UnixEpoch));
    }
}
