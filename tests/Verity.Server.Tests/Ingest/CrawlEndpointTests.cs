using System.Net;
using System.Net.Http.Json;
using Verity.Server.Tests.Connectors;

namespace Verity.Server.Tests.Ingest;

/// <summary><c>POST /v1/ingest/crawls</c> against a real site on 127.0.0.1: only admins, only listed hosts, and
/// the crawled pages end up searchable through the job the response points to.</summary>
public sealed class CrawlEndpointTests : IAsyncLifetime
{
    private readonly VerityServerFactory _factory = TestTokens.AuthenticatedFactory();
    private CrawlSite _site = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _site = await CrawlSite.StartAsync();
        _site.Html("/", """<h1>Field station</h1><p>Welcome to the field station.</p><a href="/tides">Tides</a> <a href="/birds">Birds</a>""");
        _site.Html("/tides", "<h1>Tides</h1><p>The causeway floods two hours after the Ptarmigan high tide.</p>");
        _site.Html("/birds", """<h1>Birds</h1><p>Puffins nest on the eastern cliffs from April.</p><a href="/birds/archive">Archive</a>""");
        _site.Html("/birds/archive", "<h1>Archive</h1><p>Older sightings of the Razorbill colony.</p>");
        _factory.Settings["Verity:Crawl:AllowedHosts:0"] = "127.0.0.1";
        _factory.Settings["Verity:Crawl:Delay"] = "00:00:00";
        _admin = _factory.CreateClient().WithToken(TestTokens.Create(user: "root", roles: ["admin"]));
    }

    [Fact]
    public async Task Crawl_AllowedHostAsAdmin_Returns202AndPagesBecomeSearchable()
    {
        using var response = await _admin.PostAsJsonAsync("/v1/ingest/crawls", new { url = _site.Url("/").AbsoluteUri, max_pages = 10 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var id = body.GetProperty("job").Text("id");
        Assert.Equal($"/v1/ingest/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("crawl", body.GetProperty("job").Text("kind"));
        Assert.Empty(body.GetProperty("failures").EnumerateArray());

        var job = await _admin.WaitForJobAsync(id);

        Assert.Equal("succeeded", job.Text("state"));
        Assert.Equal(4, job.GetProperty("counts").Int("added"));
        var tides = Assert.Single(await _admin.SearchAsync("Ptarmigan causeway"));
        Assert.Contains("/tides", tides.GetProperty("uri").GetString(), StringComparison.Ordinal);
        Assert.Single(await _admin.SearchAsync("Razorbill colony"));
    }

    [Fact]
    public async Task Crawl_SameSiteAgain_EnqueuesOnlyWhatChanged()
    {
        var first = await CrawlAsync();
        Assert.Equal(4, (await _admin.WaitForJobAsync(first)).GetProperty("counts").Int("added"));
        _site.Html("/tides", "<h1>Tides</h1><p>The causeway now floods three hours after the Ptarmigan high tide.</p>");

        var second = await _admin.WaitForJobAsync(await CrawlAsync());

        Assert.Equal(1, second.GetProperty("counts").Int("updated"));
        Assert.Equal(0, second.GetProperty("counts").Int("added"));
        Assert.Contains("three hours", Assert.Single(await _admin.SearchAsync("Ptarmigan causeway")).Text("text"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crawl_SeedNotFound_Returns202WithTheFailureAndAnEmptyFinishedJob()
    {
        using var response = await _admin.PostAsJsonAsync("/v1/ingest/crawls", new { url = _site.Url("/missing").AbsoluteUri });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var failure = Assert.Single(body.GetProperty("failures").EnumerateArray());
        Assert.EndsWith("/missing", failure.Text("file"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(failure.Text("reason")));
        var job = await _admin.WaitForJobAsync(body.GetProperty("job").Text("id"));
        Assert.Equal(0, job.GetProperty("counts").Int("total"));
    }

    [Fact]
    public async Task Crawl_HostNotAllowed_Returns403AndFetchesNothing()
    {
        var url = $"http://localhost:{_site.Port}/";

        using var response = await _admin.PostAsJsonAsync("/v1/ingest/crawls", new { url });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("AllowedHosts", problem.Text("detail"), StringComparison.Ordinal);
        Assert.Empty(_site.Requests);
        Assert.Empty(await _admin.GetJobListAsync());
    }

    [Theory]
    [InlineData("""{"url": "not a url"}""", "url")]
    [InlineData("""{"url": "ftp://127.0.0.1/"}""", "url")]
    [InlineData("""{}""", "url")]
    [InlineData("""{"sitemap": "/relative.xml"}""", "sitemap")]
    [InlineData("""{"url": "http://127.0.0.1/", "max_pages": 0}""", "max_pages")]
    [InlineData("""{"url": "http://127.0.0.1/", "max_depth": 99}""", "max_depth")]
    public async Task Crawl_InvalidRequest_Returns400NamingTheField(string json, string field)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _admin.PostAsync("/v1/ingest/crawls", content);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Empty(_site.Requests);
    }

    [Theory]
    [InlineData("editor")]
    [InlineData("reader")]
    public async Task Crawl_NotAdmin_Returns403AndFetchesNothing(string role)
    {
        using var client = _factory.CreateClient().WithToken(TestTokens.Create(user: "ed", roles: [role]));

        using var response = await client.PostAsJsonAsync("/v1/ingest/crawls", new { url = _site.Url("/").AbsoluteUri });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Empty(_site.Requests);
    }

    private async Task<string> CrawlAsync()
    {
        using var response = await _admin.PostAsJsonAsync("/v1/ingest/crawls", new { url = _site.Url("/").AbsoluteUri });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("job").Text("id");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        _factory.Dispose();
        await _site.DisposeAsync();
    }
}
