using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Verity.Server.Tests.Generation;

/// <summary>The audit record of an answer says how it was produced (generator, degraded, cached) and names the
/// request's trace, on every chat endpoint, as an admin reads it back over <c>/v1/audit</c>.</summary>
public sealed class ChatAuditTests(AuthenticatedChatTests.Authenticated fixture)
    : IClassFixture<AuthenticatedChatTests.Authenticated>, IDisposable
{
    public void Dispose()
    {
        fixture.Model.Chat = null;
        fixture.Model.ClearRequests();
    }

    [Fact]
    public async Task Chat_AnsweredByTheModelThenFromTheCache_AuditedWithGeneratorCachedAndTheResponsesTraceId()
    {
        const string user = "audit-cache";
        using var client = fixture.CreateClient(TestTokens.Create(user: user, tenant: AuthenticatedChatTests.Authenticated.Tenant));
        const string question = "Which error does the Pangolin client show?";

        using var first = await client.PostAsJsonAsync("/v1/chat", new { question });
        using var again = await client.PostAsJsonAsync("/v1/chat", new { question });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        Assert.True((await again.ReadJsonAsync()).GetProperty("cached").GetBoolean(), "the repeated question is served from the cache");
        Assert.Single(fixture.ChatRequests);
        var records = await ChatRecordsAsync(user, count: 2);
        var (answered, cached) = (records[1], records[0]);
        Assert.Equal(("primary", false, false), Answer(answered));
        Assert.Equal(("primary", false, true), Answer(cached));
        Assert.Equal(TraceId(first), answered.GetProperty("trace_id").GetString());
        Assert.Equal(TraceId(again), cached.GetProperty("trace_id").GetString());
        Assert.NotEqual(answered.GetProperty("trace_id").GetString(), cached.GetProperty("trace_id").GetString());
    }

    [Theory]
    [InlineData("/v1/chat", true)]
    [InlineData("/v1/chat/completions", false)]
    [InlineData("/v1/chat/completions", true)]
    public async Task Chat_OtherEndpoints_AuditedWithGeneratorAndTheResponsesTraceId(string path, bool stream)
    {
        var user = $"audit{path.Replace('/', '-')}-{(stream ? "stream" : "json")}";
        using var client = fixture.CreateClient(TestTokens.Create(user: user, tenant: AuthenticatedChatTests.Authenticated.Tenant));
        const string question = "Where is the VPN gateway?";
        object body = path == "/v1/chat"
            ? new { question, stream }
            : new { messages = new[] { new { role = "user", content = question } }, stream };

        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var record = Assert.Single(await ChatRecordsAsync(user, count: 1));
        Assert.Equal(("primary", false, false), Answer(record));
        Assert.Equal(TraceId(response), record.GetProperty("trace_id").GetString());
        Assert.Equal(question, record.GetProperty("query").GetString());
    }

    [Fact]
    public async Task Search_NotAnAnswer_AuditedWithTheTraceIdAndNoAnswerFields()
    {
        const string user = "audit-search";
        using var client = fixture.CreateClient(TestTokens.Create(user: user, tenant: AuthenticatedChatTests.Authenticated.Tenant));

        using var response = await client.PostAsJsonAsync("/v1/search", new { query = "VPN gateway" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(await RecordsAsync($"action=search&user={user}", count: 1));
        Assert.Equal(TraceId(response), record.GetProperty("trace_id").GetString());
        foreach (var field in new[] { "generator", "degraded", "cached" })
        {
            Assert.Equal(JsonValueKind.Null, record.GetProperty(field).ValueKind);
        }
    }

    private static string TraceId(HttpResponseMessage response)
    {
        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        Assert.Matches("^[0-9a-f]{32}$", traceId);
        return traceId;
    }

    private static (string?, bool, bool) Answer(JsonElement record) =>
        (record.GetProperty("generator").GetString(), record.GetProperty("degraded").GetBoolean(), record.GetProperty("cached").GetBoolean());

    private Task<List<JsonElement>> ChatRecordsAsync(string user, int count) => RecordsAsync($"action=chat&user={user}", count);

    /// <summary>The caller's records, newest first. A record is written once its response is complete, which may be a
    /// moment after the client has read it: wait for <paramref name="count"/> of them.</summary>
    private async Task<List<JsonElement>> RecordsAsync(string filter, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await fixture.Admin.GetAsync($"/v1/audit?{filter}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var records = (await response.ReadJsonAsync()).GetProperty("records").EnumerateArray().ToList();
            if (records.Count >= count || clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                return records;
            }

            await Task.Delay(20);
        }
    }
}
