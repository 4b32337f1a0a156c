using System.Net;
using System.Net.Http.Json;

namespace Verity.Server.Tests;

public sealed class SearchEndpointTests : IClassFixture<ChatEndpointTests.Seeded>
{
    private readonly HttpClient _client;

    public SearchEndpointTests(ChatEndpointTests.Seeded seeded) => _client = seeded.Client;

    [Theory]
    [InlineData("hybrid")]
    [InlineData("dense")]
    [InlineData("lexical")]
    public async Task Search_EachMode_FindsTheDocumentAboutTheQueryFirst(string mode)
    {
        var response = await _client.PostAsJsonAsync("/v1/search", new { query = "reimbursed meals travelling receipts", mode });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();

        Assert.Equal(mode, body.GetProperty("mode").GetString());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.Equal("kb/expenses", results[0].GetProperty("document_id").GetString());
        var scores = results.Select(r => r.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Contains("**", results[0].GetProperty("excerpt").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_Hybrid_ReportsTheRankInEachRetriever()
    {
        var body = await (await _client.PostAsJsonAsync("/v1/search", new { query = "Pangolin VPN client error" })).ReadJsonAsync();
        var top = body.GetProperty("results")[0];

        Assert.Equal("kb/vpn", top.GetProperty("document_id").GetString());
        Assert.Equal(1, top.GetProperty("lexical_rank").GetInt32());
        Assert.True(top.GetProperty("dense_rank").GetInt32() >= 1);
    }

    [Fact]
    public async Task Search_TopK_LimitsTheNumberOfResults()
    {
        var body = await (await _client.PostAsJsonAsync("/v1/search", new { query = "the office floor building", top_k = 2 })).ReadJsonAsync();
        Assert.Equal(2, body.GetProperty("results").GetArrayLength());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task Search_TopKOutOfRange_Returns400(int topK)
    {
        var response = await _client.PostAsJsonAsync("/v1/search", new { query = "vpn", top_k = topK });
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("top_k", out _));
    }

    [Fact]
    public async Task Search_MissingQuery_Returns400()
    {
        await ProblemAssert.IsProblemAsync(await _client.PostAsJsonAsync("/v1/search", new { mode = "hybrid" }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Search_100kBQuery_Returns400()
    {
        var response = await _client.PostAsJsonAsync("/v1/search", new { query = string.Join(' ', Enumerable.Repeat("vpn", 25_000)) });
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Search_HostileFtsSyntax_IsTreatedAsPlainWords()
    {
        var response = await _client.PostAsJsonAsync("/v1/search", new { query = "\"VPN\" NEAR( client* -error) OR '; DROP TABLE chunks; --", mode = "lexical" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("kb/vpn", body.GetProperty("results")[0].GetProperty("document_id").GetString());
    }

    [Fact]
    public async Task Search_InvalidFilterKey_Returns400()
    {
        var response = await _client.PostAsJsonAsync("/v1/search", new { query = "vpn", filters = new Dictionary<string, string> { ["team') OR 1=1 --"] = "it" } });
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
