using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Verity.Evaluation.Load;

namespace Verity.Evaluation.Tests.Load;

/// <summary>The load engine over a scripted transport: what it sends, how it counts, when it stops.</summary>
public sealed class HttpLoadRunnerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunAsync_BothEndpointsWithMaxRequests_AlternatesAndCyclesEveryQueryThroughEach()
    {
        var sent = new ConcurrentBag<(string Path, JsonElement Body)>();
        using var runner = new HttpLoadRunner(Options(maxRequests: 60, queries: ["a", "b", "c"]), new ScriptedHandler(async request =>
        {
            var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync()).RootElement.Clone();
            sent.Add((request.RequestUri!.AbsolutePath, body));
            Assert.Equal("application/json", request.Content.Headers.ContentType?.MediaType);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
        }));

        var report = await runner.RunAsync(null, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(60, report.Total.Requests);
        Assert.Equal(60, sent.Count);
        Assert.Equal(0, report.Total.Errors);
        Assert.Equal(30, report.Endpoints["search"].Requests);
        Assert.Equal(30, report.Endpoints["chat"].Requests);
        var searches = sent.Where(s => s.Path == "/v1/search").Select(s => s.Body.GetProperty("query").GetString()).ToList();
        var chats = sent.Where(s => s.Path == "/v1/chat").Select(s => s.Body.GetProperty("question").GetString()).ToList();
        Assert.Equal(30, searches.Count);
        Assert.Equal(30, chats.Count);
        foreach (var query in new[] { "a", "b", "c" })
        {
            Assert.Equal(10, searches.Count(q => q == query));
            Assert.Equal(10, chats.Count(q => q == query));
        }
    }

    [Fact]
    public async Task RunAsync_SearchOnlyUnderABasePath_SendsOnlySearchRequestsBelowIt()
    {
        var paths = new ConcurrentBag<string>();
        using var runner = new HttpLoadRunner(
            Options(maxRequests: 10, endpoint: LoadEndpoint.Search) with { BaseAddress = new Uri("http://127.0.0.1:9/verity") },
            new ScriptedHandler(request =>
            {
                paths.Add(request.RequestUri!.AbsolutePath);
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
            }));

        var report = await runner.RunAsync(null, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(10, report.Total.Requests);
        Assert.Equal(["search"], report.Endpoints.Keys);
        Assert.All(paths, p => Assert.Equal("/verity/v1/search", p));
    }

    [Fact]
    public async Task RunAsync_BearerToken_SendsItWithEveryRequest()
    {
        var headers = new ConcurrentBag<string?>();
        using var runner = new HttpLoadRunner(Options(maxRequests: 8) with { BearerToken = "abc.def.ghi" }, new ScriptedHandler(request =>
        {
            headers.Add(request.Headers.Authorization?.ToString());
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }));

        await runner.RunAsync(null, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(8, headers.Count);
        Assert.All(headers, h => Assert.Equal("Bearer abc.def.ghi", h));
    }

    [Fact]
    public async Task RunAsync_NonSuccessResponses_CountsThemByStatusAndKeepsThemOutOfTheLatency()
    {
        var calls = 0;
        using var runner = new HttpLoadRunner(Options(maxRequests: 30, concurrency: 1), new ScriptedHandler(_ =>
        {
            var status = (Interlocked.Increment(ref calls) % 3) switch
            {
                0 => HttpStatusCode.ServiceUnavailable,
                1 => HttpStatusCode.OK,
                _ => HttpStatusCode.BadRequest,
            };
            return Task.FromResult(new HttpResponseMessage(status));
        }));

        var report = await runner.RunAsync(null, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(30, report.Total.Requests);
        Assert.Equal(10, report.Total.Succeeded);
        Assert.Equal(20, report.Total.Errors);
        Assert.Equal(new Dictionary<int, long> { [400] = 10, [503] = 10 }, report.Total.ErrorsByStatus);
        Assert.Empty(report.Total.Exceptions);
        Assert.Equal(10, report.Histogram.Sum(b => b.Count));
        Assert.Equal(report.Total.Requests, report.Endpoints.Values.Sum(e => e.Requests));
    }

    [Fact]
    public async Task RunAsync_TransportThrows_CountsExceptionsByKindWithoutThrowing()
    {
        var calls = 0;
        using var runner = new HttpLoadRunner(Options(maxRequests: 30), new ScriptedHandler(_ =>
            Interlocked.Increment(ref calls) % 2 == 0
                ? throw new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused))
                : throw new TaskCanceledException("timed out", new TimeoutException())));

        var report = await runner.RunAsync(null, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(30, report.Total.Requests);
        Assert.Equal(30, report.Total.Errors);
        Assert.Equal(0, report.Total.Succeeded);
        Assert.Equal(new Dictionary<string, long> { ["connection_refused"] = 15, ["timeout"] = 15 }, report.Total.Exceptions);
        Assert.Empty(report.Total.ErrorsByStatus);
        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0, 0, 0), report.Total.LatencyMs);
        Assert.Empty(report.Histogram);
    }

    [Fact]
    public async Task RunAsync_WarmupThenDuration_StopsByItselfAndCountsEveryRequestOnceInWarmupOrMeasured()
    {
        var progress = new ConcurrentQueue<LoadProgress>();
        var calls = 0;
        using var runner = new HttpLoadRunner(
            Options(concurrency: 3) with
            {
                Warmup = TimeSpan.FromMilliseconds(300),
                Duration = TimeSpan.FromMilliseconds(700),
                ProgressInterval = TimeSpan.FromMilliseconds(100),
            },
            new ScriptedHandler(async _ =>
            {
                Interlocked.Increment(ref calls);
                await Task.Delay(5);
                return new HttpResponseMessage(HttpStatusCode.OK);
            }));

        var report = await runner.RunAsync(new Collect(progress), CancellationToken.None).WaitAsync(Bound);

        // How many fall in each phase depends on the machine's load; that each is counted exactly once does not.
        Assert.True(calls > 0, "no requests sent");
        Assert.Equal(calls, report.WarmupRequests + report.Total.Requests);
        Assert.Equal(0, report.Total.Errors);
        Assert.InRange(report.ElapsedS, 0.69, 10);
        Assert.Equal(report.Total.Requests / report.ElapsedS, report.Total.RequestsPerSecond, (report.Total.RequestsPerSecond * 1e-3) + 0.01);
        Assert.NotEmpty(progress);
        Assert.All(progress, p =>
        {
            Assert.Equal(TimeSpan.FromSeconds(1), p.Planned);
            Assert.True(p.Requests <= report.Total.Requests && p.Errors == 0 && p.CurrentRequestsPerSecond >= 0);
        });
    }

    [Fact]
    public async Task RunAsync_CallerCancels_ThrowsOperationCanceledPromptly()
    {
        using var runner = new HttpLoadRunner(Options() with { Duration = TimeSpan.FromMinutes(5) }, new ScriptedHandler(async _ =>
        {
            await Task.Delay(10);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(null, cancel.Token).WaitAsync(Bound));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void Constructor_ConcurrencyOutOfRange_Throws(int concurrency)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpLoadRunner(Options(concurrency: concurrency)));
    }

    [Fact]
    public void Constructor_DurationOverTenMinutesOrNoQueries_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpLoadRunner(Options() with { Duration = TimeSpan.FromMinutes(11) }));
        Assert.Throws<ArgumentException>(() => new HttpLoadRunner(Options(queries: [])));
    }

    [Fact]
    public void Classify_TypicalFailures_GivesShortSnakeCaseKinds()
    {
        Assert.Equal("connection_refused", HttpLoadRunner.Classify(new HttpRequestException("x", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Equal("response_ended", HttpLoadRunner.Classify(new HttpRequestException(HttpRequestError.ResponseEnded)));
        Assert.Equal("timeout", HttpLoadRunner.Classify(new TaskCanceledException()));
        Assert.Equal("io", HttpLoadRunner.Classify(new IOException()));
    }

    internal static HttpLoadOptions Options(
        int concurrency = 4, long? maxRequests = null, LoadEndpoint endpoint = LoadEndpoint.Both, string[]? queries = null) => new()
    {
        BaseAddress = new Uri("http://127.0.0.1:9"),
        Queries = queries ?? ["How many days of annual leave?"],
        Endpoint = endpoint,
        Concurrency = concurrency,
        Warmup = TimeSpan.Zero,
        Duration = TimeSpan.FromSeconds(20),
        MaxRequests = maxRequests,
    };

    private sealed class ScriptedHandler(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => respond(request);
    }

    private sealed class Collect(ConcurrentQueue<LoadProgress> into) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => into.Enqueue(value);
    }
}
