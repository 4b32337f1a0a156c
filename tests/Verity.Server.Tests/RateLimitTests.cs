using System.Net;
using System.Net.Http.Json;

namespace Verity.Server.Tests;

public sealed class RateLimitTests : IDisposable
{
    private readonly VerityServerFactory _factory = TestTokens.AuthenticatedFactory();

    public RateLimitTests()
    {
        _factory.Settings["Verity:RateLimits:Enabled"] = "true";
        _factory.Settings["Verity:RateLimits:Query:PerUserPerMinute"] = "3";
        _factory.Settings["Verity:RateLimits:Query:PerTenantPerMinute"] = "5";
        _factory.Settings["Verity:RateLimits:Ingest:PerUserPerMinute"] = "2";
        _factory.Settings["Verity:RateLimits:Ingest:PerTenantPerMinute"] = "100";
    }

    [Fact]
    public async Task Query_OverTheUserBudget_Returns429WithRetryAfterAndProblem()
    {
        using var client = _factory.CreateClient().WithToken(TestTokens.Create(user: "ann"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/search", new { query = "anything at all" })).StatusCode);
        }

        var refused = await client.PostAsJsonAsync("/v1/chat", new { question = "one more?" });

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 must say when to retry");
        Assert.Contains("rate limit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_TenantBudget_IsSharedByItsUsersButNotWithOtherTenants()
    {
        using var ann = _factory.CreateClient().WithToken(TestTokens.Create(user: "ann"));
        using var bob = _factory.CreateClient().WithToken(TestTokens.Create(user: "bob"));
        using var other = _factory.CreateClient().WithToken(TestTokens.Create(user: "cy", tenant: "elsewhere"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await ann.PostAsJsonAsync("/v1/search", new { query = "ann asks" })).StatusCode);
            statuses.Add((await bob.PostAsJsonAsync("/v1/search", new { query = "bob asks" })).StatusCode);
        }

        // Six requests against a tenant budget of five: the sixth is refused although neither user used up their three.
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync("/v1/search", new { query = "another tenant" })).StatusCode);
    }

    [Fact]
    public async Task Ingest_HasItsOwnBudgetSeparateFromQueries()
    {
        using var editor = _factory.CreateClient().WithToken(TestTokens.Create(user: "ed", roles: ["editor"]));
        Assert.Equal(HttpStatusCode.Created, (await editor.PostAsJsonAsync("/v1/documents", new { id = "a", text = "First note about budgets." })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await editor.PostAsJsonAsync("/v1/documents", new { id = "b", text = "Second note about budgets." })).StatusCode);

        await ProblemAssert.IsProblemAsync(await editor.PostAsJsonAsync("/v1/documents", new { id = "c", text = "Third note." }), HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await editor.PostAsJsonAsync("/v1/search", new { query = "budgets" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await editor.GetAsync("/v1/documents")).StatusCode);
    }

    public void Dispose() => _factory.Dispose();
}
