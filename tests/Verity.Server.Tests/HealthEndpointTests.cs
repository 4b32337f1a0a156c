using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Verity.Server.Tests;

public sealed class HealthEndpointTests : IDisposable
{
    private readonly VerityServerFactory _factory = new();

    [Fact]
    public async Task Readyz_FreshIndex_ReportsReadyWithEmptyIndexInConfiguredDirectory()
    {
        using var client = _factory.CreateClient();
        var response = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("documents", out _), "readiness says nothing about what a tenant holds");
        Assert.True(File.Exists(Path.Combine(_factory.DataDirectory, "verity.db")), "the index must live in the configured data directory");
    }

    [Fact]
    public async Task Healthz_Always_ReportsAlive()
    {
        using var client = _factory.CreateClient();
        var body = await client.GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal("alive", body.GetProperty("status").GetString());
    }

    public void Dispose() => _factory.Dispose();
}
