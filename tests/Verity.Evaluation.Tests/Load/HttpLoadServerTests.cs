using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Verity.Evaluation.Load;

namespace Verity.Evaluation.Tests.Load;

/// <summary>The load engine against the real Verity server on a real socket.</summary>
public sealed class HttpLoadServerTests(LoadTestServer server) : IClassFixture<LoadTestServer>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunAsync_RealServerAtConcurrencyFour_ServesEveryRequestWithConsistentFigures()
    {
        var options = Options(server.BaseAddress, ["How many days of annual leave do employees get?", "Which VPN client do staff use?", "When are lockers emptied?"]) with
        {
            Concurrency = 4,
            Warmup = TimeSpan.FromMilliseconds(500),
            Duration = TimeSpan.FromSeconds(2),
        };
        using var runner = new HttpLoadRunner(options);
        await runner.EnsureReachableAsync(CancellationToken.None);

        var report = await runner.RunAsync(null, CancellationToken.None).WaitAsync(Bound);

        var total = report.Total;
        Assert.True(total.Requests > 0, "no requests completed");
        Assert.Equal(0, total.Errors);
        Assert.Empty(total.ErrorsByStatus);
        Assert.Empty(total.Exceptions);
        Assert.Equal(total.Requests, total.Succeeded);
        Assert.True(report.WarmupRequests > 0, "no warm-up requests");

        // The measured phase lasts the duration plus the last in-flight responses.
        Assert.InRange(report.ElapsedS, 2.0, 10.0);
        Assert.Equal(total.Requests / report.ElapsedS, total.RequestsPerSecond, total.RequestsPerSecond * 1e-3);
        Assert.InRange(total.RequestsPerSecond, total.Requests / 10.0, total.Requests / 2.0);

        var l = total.LatencyMs;
        Assert.True(l.Min > 0, $"min {l.Min}");
        Assert.True(l.Min <= l.P50 && l.P50 <= l.P90 && l.P90 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max, $"unordered: {l}");
        Assert.InRange(l.Mean, l.Min, l.Max);
        Assert.Equal(total.Succeeded, report.Histogram.Sum(b => b.Count));

        var search = report.Endpoints["search"];
        var chat = report.Endpoints["chat"];
        Assert.Equal(total.Requests, search.Requests + chat.Requests);
        Assert.True(search.Requests > 0 && chat.Requests > 0, $"search {search.Requests}, chat {chat.Requests}");
        Assert.InRange(search.Requests - chat.Requests, -8, 8);
    }

    [Fact]
    public async Task RunAsync_EmptyQueryAgainstRealServer_CountsStatus400AsErrorsWithoutThrowing()
    {
        using var runner = new HttpLoadRunner(Options(server.BaseAddress, ["   "]) with { Concurrency = 2, Duration = TimeSpan.FromSeconds(1) });

        var report = await runner.RunAsync(null, CancellationToken.None).WaitAsync(Bound);

        Assert.True(report.Total.Requests > 0, "no requests completed");
        Assert.Equal(0, report.Total.Succeeded);
        Assert.Equal(report.Total.Requests, report.Total.Errors);
        Assert.Equal(new Dictionary<int, long> { [400] = report.Total.Requests }, report.Total.ErrorsByStatus);
        Assert.Empty(report.Total.Exceptions);
        Assert.True(report.Endpoints["search"].ErrorsByStatus[400] > 0);
        Assert.True(report.Endpoints["chat"].ErrorsByStatus[400] > 0);
        Assert.Empty(report.Histogram);
    }

    [Fact]
    public async Task RunAsync_MaxRequestsAgainstRealServer_StopsAtTheBoundBeforeTheDuration()
    {
        using var runner = new HttpLoadRunner(Options(server.BaseAddress, ["Which VPN client do staff use?"]) with
        {
            Concurrency = 4,
            Duration = TimeSpan.FromMinutes(1),
            MaxRequests = 40,
        });

        var report = await runner.RunAsync(null, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(40, report.Total.Requests);
        Assert.Equal(0, report.Total.Errors);
        Assert.True(report.ElapsedS < 30, $"took {report.ElapsedS} s");
    }

    [Fact]
    public async Task EnsureReachableAsync_NothingListening_ThrowsInvalidOperationNamingTheUrl()
    {
        var url = ClosedPortUrl();
        using var runner = new HttpLoadRunner(Options(url, ["q"]));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.EnsureReachableAsync(CancellationToken.None).WaitAsync(Bound));

        Assert.Contains(url.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NothingListening_CountsConnectionFailuresWithoutThrowing()
    {
        using var runner = new HttpLoadRunner(Options(ClosedPortUrl(), ["q"]) with { Concurrency = 2, Duration = TimeSpan.FromMilliseconds(500) });

        var report = await runner.RunAsync(null, CancellationToken.None).WaitAsync(Bound);

        Assert.True(report.Total.Requests > 0, "no attempts counted");
        Assert.Equal(report.Total.Requests, report.Total.Errors);
        Assert.Equal(report.Total.Requests, report.Total.Exceptions.Values.Sum());
        Assert.Contains("connection_refused", report.Total.Exceptions.Keys);
    }

    [Fact]
    public async Task EnsureReachableAsync_RealServer_Succeeds()
    {
        using var runner = new HttpLoadRunner(Options(server.BaseAddress, ["q"]));

        await runner.EnsureReachableAsync(CancellationToken.None).WaitAsync(Bound);
    }

    private static HttpLoadOptions Options(Uri url, string[] queries) => new()
    {
        BaseAddress = url,
        Queries = queries,
        Warmup = TimeSpan.Zero,
        Duration = TimeSpan.FromSeconds(1),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>A loopback port that was free a moment ago and has nothing listening now.</summary>
    private static Uri ClosedPortUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }
}

/// <summary>The real server on a real socket over a fresh data directory, seeded with a few documents.</summary>
public sealed class LoadTestServer : IAsyncLifetime
{
    private readonly Factory _factory = new();

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        using var client = _factory.CreateClient();
        BaseAddress = client.BaseAddress!;
        (string Id, string Title, string Text)[] documents =
        [
            ("kb/leave", "Annual leave", "# Annual leave\n\nEmployees get 25 working days of annual leave per calendar year. Unused days carry over until 31 March."),
            ("kb/vpn", "VPN access", "# VPN access\n\nStaff connect to the corporate VPN with the Pangolin client. Sessions expire after 12 hours."),
            ("kb/lockers", "Lockers", "# Lockers\n\nLockers on the second floor are emptied every Friday evening."),
            ("kb/kitchen", "Office kitchen", "# Office kitchen\n\nThe kitchen on the third floor has two coffee machines and a dishwasher."),
        ];
        foreach (var (id, title, text) in documents)
        {
            var response = await client.PostAsJsonAsync("/v1/documents", new { id, title, text });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }

    private sealed class Factory : WebApplicationFactory<Verity.Server.Program>
    {
        private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "verity-load-tests", Guid.NewGuid().ToString("N"));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Verity:DataDirectory", _dataDirectory);

            // Anonymous, and without the per-user query budget: a load test is the burst no real client sends.
            builder.UseSetting("Auth:Anonymous", "true");
            builder.UseSetting("Verity:RateLimits:Enabled", "false");

            // A console line per request would make the test measure the logger rather than the server.
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                SqliteConnection.ClearAllPools();
                try
                {
                    Directory.Delete(_dataDirectory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
