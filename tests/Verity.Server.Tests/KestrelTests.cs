using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Verity.Server.Tests;

/// <summary>Over a real socket: Kestrel's request limits, the web page, the OpenAPI document and the API page.</summary>
public sealed class KestrelTests : IDisposable
{
    private readonly VerityServerFactory _factory = new();
    private readonly HttpClient _client;

    public KestrelTests()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task Post_50MegabyteBody_Returns413ProblemAndTheServerKeepsServing()
    {
        var text = new StringBuilder(50 * 1024 * 1024 + 64).Append("{\"id\":\"huge\",\"text\":\"").Append('a', 50 * 1024 * 1024).Append("\"}").ToString();
        using var content = new StringContent(text, Encoding.UTF8, "application/json");

        // Like curl for any large body, announce it and wait for the server's go-ahead (Expect: 100-continue);
        // the server refuses from the Content-Length alone, before 50 MB cross the wire.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/documents") { Content = content };
        request.Headers.ExpectContinue = true;
        var response = await _client.SendAsync(request);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("MaxRequestBodyBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var ok = await _client.PostAsJsonAsync("/v1/documents", new { id = "small", text = "Still accepting documents after a huge one." });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
    }

    [Fact]
    public async Task Root_ServesTheWebPage()
    {
        var response = await _client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("/v1/chat", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_DescribesEveryEndpoint()
    {
        var document = await (await _client.GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/v1/chat", "/v1/search", "/v1/documents", "/v1/documents/{id}", "/healthz", "/readyz" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI document lacks {path}");
        }

        Assert.Equal("Verity API", document.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Scalar_ServesTheInteractiveApiPage()
    {
        var response = await _client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
