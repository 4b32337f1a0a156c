using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Verity.Server.Tests;

/// <summary>Every chat, search and document call leaves an audit record of its tenant; admins read their own
/// tenant's records (paged or as JSON lines) and nobody else's.</summary>
public sealed class AuditEndpointTests : IAsyncLifetime
{
    private const string Tenant = "acme";
    private const string OtherTenant = "globex";

    private readonly VerityServerFactory _factory = TestTokens.AuthenticatedFactory();
    private HttpClient _reader = null!;
    private HttpClient _editor = null!;
    private HttpClient _admin = null!;

    private readonly string _readerToken = TestTokens.Create(user: "erin", tenant: Tenant, roles: ["reader"]);

    public async Task InitializeAsync()
    {
        _reader = _factory.CreateClient().WithToken(_readerToken);
        _editor = _factory.CreateClient().WithToken(TestTokens.Create(user: "ed", tenant: Tenant, roles: ["editor"]));
        _admin = _factory.CreateClient().WithToken(TestTokens.Create(user: "ada", tenant: Tenant, roles: ["admin"]));
        await TestDocuments.SeedAsync(_editor);
    }

    public Task DisposeAsync()
    {
        _reader.Dispose();
        _editor.Dispose();
        _admin.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Chat_Answered_RecordsCallerQueryChunkIdsAnswerHashLatencyAndOk()
    {
        const string question = "Which error does the Pangolin VPN client show before restarting the network adapter?";
        var response = await _reader.PostAsJsonAsync("/v1/chat", new { question });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();

        var record = Assert.Single(await RecordsAsync(_admin, "action=chat"));

        Assert.Equal("erin", record.GetProperty("user").GetString());
        Assert.Equal(Tenant, record.GetProperty("tenant").GetString());
        Assert.Equal("chat", record.GetProperty("action").GetString());
        Assert.Equal(question, record.GetProperty("query").GetString());
        var sources = body.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.NotEmpty(sources);
        Assert.Equal(sources, Strings(record.GetProperty("chunk_ids")));
        Assert.Equal(Sha256(body.GetProperty("answer").GetString()!), record.GetProperty("answer_hash").GetString());
        Assert.True(record.GetProperty("latency_ms").GetDouble() > 0);
        Assert.Equal("ok", record.GetProperty("outcome").GetString());
        Assert.Equal(200, record.GetProperty("status_code").GetInt32());
        Assert.Equal(JsonValueKind.Null, record.GetProperty("document_id").ValueKind);
        Assert.Empty(record.GetProperty("guardrails").EnumerateArray());
        var at = record.GetProperty("at").GetDateTimeOffset();
        Assert.InRange(at, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Search_Ok_RecordsTheResultChunkIdsAndNoAnswerHash()
    {
        var body = await (await _reader.PostAsJsonAsync("/v1/search", new { query = "coffee machines kitchen", top_k = 3 })).ReadJsonAsync();

        var record = Assert.Single(await RecordsAsync(_admin, "action=search"));

        Assert.Equal("coffee machines kitchen", record.GetProperty("query").GetString());
        var hits = body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.NotEmpty(hits);
        Assert.Equal(hits, Strings(record.GetProperty("chunk_ids")));
        Assert.Equal(JsonValueKind.Null, record.GetProperty("answer_hash").ValueKind);
        Assert.Equal(("erin", "ok"), (record.GetProperty("user").GetString(), record.GetProperty("outcome").GetString()));
        Assert.True(record.GetProperty("latency_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task Search_EmptyQuery_RecordedAsInvalidWith400()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await _reader.PostAsJsonAsync("/v1/search", new { query = "   " })).StatusCode);

        var record = Assert.Single(await RecordsAsync(_admin, "action=search"));

        Assert.Equal(("invalid", 400), (record.GetProperty("outcome").GetString(), record.GetProperty("status_code").GetInt32()));
        Assert.Equal("   ", record.GetProperty("query").GetString());
        Assert.Empty(record.GetProperty("chunk_ids").EnumerateArray());
    }

    [Fact]
    public async Task Chat_MalformedJson_RecordedAsInvalidWithoutAQuery()
    {
        using var content = new StringContent("{\"question\": \"unterminated", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await _reader.PostAsync("/v1/chat", content)).StatusCode);

        var record = Assert.Single(await RecordsAsync(_admin, "action=chat"));

        Assert.Equal("invalid", record.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, record.GetProperty("query").ValueKind);
        Assert.Equal(JsonValueKind.Null, record.GetProperty("answer_hash").ValueKind);
    }

    [Fact]
    public async Task Documents_PutGetListDelete_EachRecordedWithItsDocumentAndOutcome()
    {
        Assert.Equal(HttpStatusCode.Created, (await _editor.PostAsJsonAsync("/v1/documents", new { id = "notes/wifi", text = "The guest network is Brightwater-Guest." })).StatusCode);
        var generated = await (await _editor.PostAsJsonAsync("/v1/documents", new { text = "A note without an id of its own." })).ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await _reader.GetAsync("/v1/documents/notes/wifi")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _reader.GetAsync("/v1/documents?limit=2")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _editor.DeleteAsync("/v1/documents/notes/wifi")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _editor.DeleteAsync("/v1/documents/notes/wifi")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _reader.GetAsync("/v1/documents/notes/wifi")).StatusCode);

        var puts = await RecordsAsync(_admin, "action=document.put&user=ed&limit=2");
        var deletes = await RecordsAsync(_admin, "action=document.delete");
        var gets = await RecordsAsync(_admin, "action=document.get");
        var lists = await RecordsAsync(_admin, "action=document.list");

        // Newest first.
        Assert.Equal([generated.GetProperty("id").GetString(), "notes/wifi"], puts.Select(r => r.GetProperty("document_id").GetString()));
        Assert.All(puts, r => Assert.Equal(("ok", "ed"), (r.GetProperty("outcome").GetString(), r.GetProperty("user").GetString())));
        Assert.Equal([("not_found", 404), ("ok", 204)], deletes.Select(r => (r.GetProperty("outcome").GetString(), r.GetProperty("status_code").GetInt32())));
        Assert.All(deletes, r => Assert.Equal("notes/wifi", r.GetProperty("document_id").GetString()));
        Assert.Equal([("not_found", "notes/wifi"), ("ok", "notes/wifi")], gets.Select(r => (r.GetProperty("outcome").GetString(), r.GetProperty("document_id").GetString())));
        Assert.Equal("erin", Assert.Single(lists).GetProperty("user").GetString());
        Assert.All(puts.Concat(deletes).Concat(gets), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("query").ValueKind));
    }

    [Fact]
    public async Task DocumentWrite_ReaderRole_RecordedAsDenied()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await _reader.DeleteAsync("/v1/documents/kb/vpn")).StatusCode);

        var record = Assert.Single(await RecordsAsync(_admin, "action=document.delete"));

        Assert.Equal(("erin", "denied", 403), (record.GetProperty("user").GetString(), record.GetProperty("outcome").GetString(), record.GetProperty("status_code").GetInt32()));
        Assert.Equal("kb/vpn", record.GetProperty("document_id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _reader.GetAsync("/v1/documents/kb/vpn")).StatusCode);
    }

    [Fact]
    public async Task Chat_NoToken_IsNotRecorded()
    {
        using var anonymous = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/v1/chat", new { question = "Who is there?" })).StatusCode);

        Assert.Empty(await RecordsAsync(_admin, "action=chat"));
    }

    [Fact]
    public async Task Query_HashQueriesOn_StoresSha256OfTheQueryNotItsText()
    {
        using var factory = TestTokens.AuthenticatedFactory();
        factory.Settings["Verity:Audit:HashQueries"] = "true";
        using var reader = factory.CreateClient().WithToken(_readerToken);
        using var admin = factory.CreateClient().WithToken(TestTokens.Create(user: "ada", tenant: Tenant, roles: ["admin"]));
        const string secret = "salary of the chief executive";

        await reader.PostAsJsonAsync("/v1/search", new { query = secret });
        await reader.PostAsJsonAsync("/v1/chat", new { question = secret });
        var page = await admin.GetStringAsync("/v1/audit");
        var export = await admin.GetStringAsync("/v1/audit/export");

        var records = JsonDocument.Parse(page).RootElement.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(Sha256(secret), r.GetProperty("query").GetString()));
        Assert.DoesNotContain("salary", page, StringComparison.Ordinal);
        Assert.DoesNotContain("salary", export, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("reader")]
    [InlineData("editor")]
    public async Task Audit_NonAdmin_Returns403(string role)
    {
        using var client = _factory.CreateClient().WithToken(TestTokens.Create(user: "nosy", tenant: Tenant, roles: [role]));

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/audit"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/audit/export"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Audit_NoToken_Returns401()
    {
        using var client = _factory.CreateClient();

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/audit"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/audit/export"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Audit_AdminOfAnotherTenant_NeverSeesThisTenantsRecords()
    {
        await _reader.PostAsJsonAsync("/v1/search", new { query = "acme confidential merger" });
        using var otherAdmin = _factory.CreateClient().WithToken(TestTokens.Create(user: "ada", tenant: OtherTenant, roles: ["admin"]));
        await otherAdmin.PostAsJsonAsync("/v1/search", new { query = "globex own question" });

        var page = await otherAdmin.GetStringAsync($"/v1/audit?tenant={Tenant}&user=erin");
        var all = await RecordsAsync(otherAdmin, $"tenant={Tenant}");
        var export = await otherAdmin.GetStringAsync($"/v1/audit/export?tenant={Tenant}");
        var cursor = (await (await _admin.GetAsync("/v1/audit?limit=1")).ReadJsonAsync()).GetProperty("next").GetString();
        var withForeignCursor = await RecordsAsync(otherAdmin, "after=" + Uri.EscapeDataString(cursor!));

        Assert.Empty(JsonDocument.Parse(page).RootElement.GetProperty("records").EnumerateArray());
        Assert.Equal("globex own question", Assert.Single(all).GetProperty("query").GetString());
        Assert.All(all.Concat(withForeignCursor), r => Assert.Equal(OtherTenant, r.GetProperty("tenant").GetString()));
        Assert.DoesNotContain("acme", export, StringComparison.Ordinal);
        Assert.DoesNotContain("merger", export, StringComparison.Ordinal);
        Assert.Contains(await RecordsAsync(_admin, "action=search"), r => r.GetProperty("query").GetString() == "acme confidential merger");
    }

    [Fact]
    public async Task Export_TimeRange_ReturnsOneJsonObjectPerLineOldestFirst()
    {
        var before = DateTimeOffset.UtcNow;
        foreach (var query in new[] { "first question", "second question", "third question" })
        {
            await _reader.PostAsJsonAsync("/v1/search", new { query });
        }

        var response = await _admin.GetAsync($"/v1/audit/export?action=search&from={Uri.EscapeDataString(before.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.TrimEnd('\n').Split('\n');
        var records = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(records, r => Assert.Equal(JsonValueKind.Object, r.ValueKind));
        Assert.Equal(["first question", "second question", "third question"], records.Select(r => r.GetProperty("query").GetString()));
        Assert.All(records, r => Assert.Equal(Tenant, r.GetProperty("tenant").GetString()));
        Assert.DoesNotContain(_readerToken, text, StringComparison.Ordinal);

        var empty = await _admin.GetStringAsync($"/v1/audit/export?to={Uri.EscapeDataString(before.AddHours(-1).ToString("O"))}");
        Assert.Equal("", empty);
    }

    [Fact]
    public async Task Query_LimitAndCursor_PageNewestFirstWithoutRepeats()
    {
        for (var i = 0; i < 5; i++)
        {
            await _reader.PostAsJsonAsync("/v1/search", new { query = $"question {i}" });
        }

        var seen = new List<string?>();
        string? next = null;
        do
        {
            var page = await (await _admin.GetAsync("/v1/audit?action=search&limit=2" + (next is null ? "" : "&after=" + Uri.EscapeDataString(next)))).ReadJsonAsync();
            var records = page.GetProperty("records").EnumerateArray().ToList();
            Assert.InRange(records.Count, 1, 2);
            seen.AddRange(records.Select(r => r.GetProperty("query").GetString()));
            next = page.GetProperty("next").GetString();
        }
        while (next is not null);

        Assert.Equal(["question 4", "question 3", "question 2", "question 1", "question 0"], seen);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("action=delete-everything", "action")]
    [InlineData("from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "from")]
    [InlineData("after=garbage!", "after")]
    public async Task Query_InvalidParameter_Returns400NamingIt(string parameters, string field)
    {
        var problem = await ProblemAssert.IsProblemAsync(await _admin.GetAsync("/v1/audit?" + parameters), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    private static async Task<List<JsonElement>> RecordsAsync(HttpClient admin, string parameters)
    {
        var response = await admin.GetAsync("/v1/audit?" + parameters);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("records").EnumerateArray().ToList();
    }

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();

    private static string Sha256(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
