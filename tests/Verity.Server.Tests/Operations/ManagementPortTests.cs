using System.Net;

namespace Verity.Server.Tests.Operations;

/// <summary>One server started with <c>Verity:Telemetry:ManagementPort</c>, shared by the tests that only read it.</summary>
public sealed class SplitServer : IAsyncLifetime
{
    public ManagementServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ManagementServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary><c>Verity:Telemetry:ManagementPort</c> over real sockets: the probes and the scrape endpoint answer on the
/// management port only, the API on its own port only, and which port counts is the one the connection came in on —
/// a Host header naming the other port changes nothing. Unset, one port serves everything as before.</summary>
public sealed class ManagementPortTests(SplitServer split) : IClassFixture<SplitServer>
{
    private readonly ManagementServer _server = split.Server;

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/metrics")]
    public async Task OperationalEndpoint_ManagementPortSet_AnswersOnTheManagementPortOnly(string path)
    {
        using var management = await _server.Management!.GetAsync(path);
        using var api = await _server.Api.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, management.StatusCode);
        // The same answer as for any unknown URL: the API port does not even tell that the path exists.
        var problem = await ProblemAssert.IsProblemAsync(api, HttpStatusCode.NotFound);
        Assert.Equal("No endpoint or resource matches this URL.", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/v1/documents")]
    [InlineData("/")]
    [InlineData("/openapi/v1.json")]
    public async Task ApiEndpoint_ManagementPortSet_AnswersOnTheApiPortOnly(string path)
    {
        using var api = await _server.Api.GetAsync(path);
        using var management = await _server.Management!.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, management.StatusCode);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/readyz")]
    public async Task ApiPort_HostHeaderForgedToTheManagementPort_DoesNotReachOperationalEndpoints(string path)
    {
        foreach (var host in new[] { $"127.0.0.1:{_server.ManagementPort}", $"localhost:{_server.ManagementPort}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = host;

            using var response = await _server.Api.SendAsync(request);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task ManagementPort_HostHeaderForgedToTheApiPort_DoesNotReachTheApi()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/documents");
        request.Headers.Host = $"127.0.0.1:{_server.ApiPort}";

        using var response = await _server.Management!.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ApiPort_WrongMethodOnAProbe_IsNotFoundRatherThanMethodNotAllowed()
    {
        using var api = await _server.Api.PostAsync("/healthz", null);
        using var management = await _server.Management!.PostAsync("/healthz", null);

        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, management.StatusCode);
    }

    [Fact]
    public async Task ManagementPortUnset_OnePort_ServesTheApiAndTheOperationalEndpoints()
    {
        await using var server = await ManagementServer.StartAsync(management: false);

        foreach (var path in new[] { "/healthz", "/readyz", "/metrics", "/v1/documents", "/" })
        {
            using var response = await server.Api.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task ManagementPort_ApiAddressThroughUseUrls_IsSplitTheSameWay()
    {
        await using var server = await ManagementServer.StartAsync(urlsAsArgument: false);

        using var management = await server.Management!.GetAsync("/healthz");
        using var api = await server.Api.GetAsync("/healthz");
        using var documents = await server.Api.GetAsync("/v1/documents");

        Assert.Equal(HttpStatusCode.OK, management.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, documents.StatusCode);
    }

    [Fact]
    public void ManagementPort_SameAsTheApiPort_FailsAtBuildNamingTheSetting()
    {
        var data = Path.Combine(Path.GetTempPath(), "verity-management-tests", Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<InvalidOperationException>(() => VerityServer.Build(
            [], builder => ManagementServer.Configure(builder, data, 8080, "http://0.0.0.0:8080")));

        Assert.Contains("Verity:Telemetry:ManagementPort is 8080", error.Message, StringComparison.Ordinal);
        Assert.Contains("http://0.0.0.0:8080", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void ManagementPort_OutOfRange_FailsAtBuild(int port)
    {
        var data = Path.Combine(Path.GetTempPath(), "verity-management-tests", Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<InvalidOperationException>(() => VerityServer.Build(
            [], builder => ManagementServer.Configure(builder, data, port, "http://127.0.0.1:0")));

        Assert.Contains("from 1 to 65535", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The scrape on the management port still covers the API port's traffic (one process, one set of meters).
/// Reads values off <c>/metrics</c>, so it runs alone (see <see cref="SerialMetrics"/>) on a server of its own.</summary>
[Collection(SerialMetrics.Name)]
public sealed class ManagementPortMetricsTests
{
    [Fact]
    public async Task Metrics_ScrapedOnTheManagementPort_CountTheApiPortsRequests()
    {
        await using var server = await ManagementServer.StartAsync();
        using (var response = await server.Api.GetAsync("/v1/documents"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The duration is recorded once the response is complete, a moment after the client has read it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        IReadOnlyList<PrometheusSample> series;
        while (true)
        {
            series = (await PrometheusText.ScrapeAsync(server.Management!)).Named("http_server_request_duration_seconds_count");
            if (series.Any(IsDocumentList) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Contains(series, IsDocumentList);
    }

    private static bool IsDocumentList(PrometheusSample s) =>
        s.Label("http_route") == "/v1/documents/" && s.Label("http_response_status_code") == "200";
}
