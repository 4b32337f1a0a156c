using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;

namespace Verity.Server.Tests;

public sealed class ChatEndpointTests : IClassFixture<ChatEndpointTests.Seeded>
{
    private readonly HttpClient _client;

    public ChatEndpointTests(Seeded seeded) => _client = seeded.Client;

    [Fact]
    public async Task Chat_AnswerableQuestion_AnswersWithCitationIntoSourcesOfTheRightDocument()
    {
        var response = await _client.PostAsJsonAsync("/v1/chat", new { question = "Which error does the Pangolin VPN client show before restarting the network adapter?" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();

        var answer = body.GetProperty("answer").GetString()!;
        Assert.Contains("809", answer, StringComparison.Ordinal);
        Assert.True(body.GetProperty("grounded").GetBoolean());
        Assert.True(body.GetProperty("latency_ms").GetDouble() > 0);

        var sources = body.GetProperty("sources").EnumerateArray().ToList();
        Assert.NotEmpty(sources);
        var markers = Regex.Matches(answer, @"\[(\d+)\]").Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(markers);
        foreach (var n in markers)
        {
            Assert.InRange(n, 1, sources.Count);
        }

        var cited = sources[markers[0] - 1];
        Assert.Equal("kb/vpn", cited.GetProperty("document_id").GetString());
        Assert.Equal("VPN access", cited.GetProperty("title").GetString());
        Assert.Equal("https://wiki.example.test/kb/vpn", cited.GetProperty("uri").GetString());
        Assert.StartsWith("kb/vpn#", cited.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.True(cited.GetProperty("score").GetDouble() > 0);
        Assert.Contains("**", cited.GetProperty("excerpt").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_QuestionTheCorpusCannotAnswer_SaysItDoesNotKnow()
    {
        var body = await (await _client.PostAsJsonAsync("/v1/chat", new { question = "What is the boiling point of mercury in Kelvin?" })).ReadJsonAsync();

        Assert.False(body.GetProperty("grounded").GetBoolean());
        Assert.StartsWith("I don't know", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Empty(body.GetProperty("citations").EnumerateArray());
    }

    [Fact]
    public async Task Chat_QueryAliasAndLexicalMode_AreAccepted()
    {
        var body = await (await _client.PostAsJsonAsync("/v1/chat", new { query = "How soon must on-call acknowledge a page?", mode = "lexical" })).ReadJsonAsync();

        Assert.True(body.GetProperty("grounded").GetBoolean());
        Assert.Contains("5 minutes", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_MetadataFilter_RestrictsSourcesToMatchingDocuments()
    {
        var body = await (await _client.PostAsJsonAsync("/v1/chat", new
        {
            question = "printing pages coffee machines parking spaces",
            filters = new Dictionary<string, string> { ["team"] = "facilities" },
        })).ReadJsonAsync();

        var documents = body.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("document_id").GetString()).ToList();
        Assert.NotEmpty(documents);
        Assert.All(documents, d => Assert.Contains(d, new[] { "kb/kitchen", "kb/parking" }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Chat_EmptyQuestion_Returns400ProblemNamingTheField(string question)
    {
        var response = await _client.PostAsJsonAsync("/v1/chat", new { question });
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("query", out _));
    }

    [Fact]
    public async Task Chat_100kBQuestion_Returns400ProblemStatingTheLimit()
    {
        var response = await _client.PostAsJsonAsync("/v1/chat", new { question = new string('a', 100 * 1024) });
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("limit is 2000", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_MalformedJson_Returns400ProblemAboutJson()
    {
        using var content = new StringContent("{\"question\": \"unterminated", Encoding.UTF8, "application/json");
        var response = await _client.PostAsync("/v1/chat", content);
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_UnknownMode_Returns400Problem()
    {
        using var content = new StringContent("{\"question\": \"vpn\", \"mode\": \"psychic\"}", Encoding.UTF8, "application/json");
        await ProblemAssert.IsProblemAsync(await _client.PostAsync("/v1/chat", content), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Chat_NonJsonContentType_Returns415Problem()
    {
        using var content = new StringContent("question=vpn", Encoding.UTF8, "application/x-www-form-urlencoded");
        await ProblemAssert.IsProblemAsync(await _client.PostAsync("/v1/chat", content), HttpStatusCode.UnsupportedMediaType);
    }

    public sealed class Seeded : IAsyncLifetime
    {
        private readonly VerityServerFactory _factory = new();

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Client = _factory.CreateClient();
            await TestDocuments.SeedAsync(Client);
        }

        public Task DisposeAsync()
        {
            Client.Dispose();
            _factory.Dispose();
            return Task.CompletedTask;
        }
    }
}
