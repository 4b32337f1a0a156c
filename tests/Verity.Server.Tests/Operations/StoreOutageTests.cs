using System.Net;
using System.Text.Json;
using Verity.Storage.Conformance.Servers;

namespace Verity.Server.Tests.Operations;

/// <summary>The database goes away under a running replica: readiness fails (503, so the load balancer stops sending
/// it traffic) and says which checks failed, while liveness stays up (restarting would not bring the database
/// back).</summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    // A server of its own: this test stops it.
    private readonly PostgresServer _postgres = new();
    private VerityServerFactory _factory = null!;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _factory = new VerityServerFactory();
        _factory.Settings["Verity:Store"] = "postgres:" + await _postgres.CreateDatabaseAsync();
        _factory.Settings["Verity:Postgres:MaxRetries"] = "0";
        _factory.Settings["Verity:Postgres:VectorSearch"] = "Exact";
    }

    [Fact]
    public async Task Readyz_DatabaseStopped_UnavailableWithTheFailedChecksWhileLivenessStaysUp()
    {
        using var client = _factory.CreateClient();
        using (var before = await client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await _postgres.DisposeAsync();

        using var after = await client.GetAsync("/readyz");
        var body = await after.ReadJsonAsync();
        Assert.True(after.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)after.StatusCode}: {body}");
        Assert.Equal("unavailable", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("failed", checks["store"].GetProperty("status").GetString());
        Assert.Equal("failed", checks["queue"].GetProperty("status").GetString());
        Assert.DoesNotContain("127.0.0.1", body.ToString(), StringComparison.Ordinal);

        using var live = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("alive", (await live.ReadJsonAsync()).GetProperty("status").GetString());
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        // Already stopped by the test, or stopped here when it failed early.
        return _postgres.DisposeAsync();
    }
}
