using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Verity.Server.Tests;

public sealed class DocumentEndpointTests : IDisposable
{
    private readonly VerityServerFactory _factory = new();
    private readonly HttpClient _client;

    public DocumentEndpointTests() => _client = _factory.CreateClient();

    [Fact]
    public async Task Post_NewDocument_Returns201AndTheDocumentCanBeRead()
    {
        var response = await _client.PostAsJsonAsync("/v1/documents", new
        {
            id = "policies/travel.md",
            title = "Travel policy",
            text = "# Travel\n\nBook trains for journeys under four hours.",
            media_type = "text/markdown",
            uri = "https://wiki.example.test/travel",
            metadata = new Dictionary<string, string> { ["team"] = "finance" },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/v1/documents/policies%2Ftravel.md", response.Headers.Location?.OriginalString);
        var created = await response.ReadJsonAsync();
        Assert.Equal("policies/travel.md", created.GetProperty("id").GetString());
        Assert.Equal("added", created.GetProperty("status").GetString());
        Assert.Equal(1, created.GetProperty("version").GetInt64());

        var document = await (await _client.GetAsync("/v1/documents/policies/travel.md")).ReadJsonAsync();
        Assert.Equal("Travel policy", document.GetProperty("title").GetString());
        Assert.Equal("finance", document.GetProperty("metadata").GetProperty("team").GetString());
        Assert.Equal("api", document.GetProperty("source").GetString());
        Assert.Contains("Book trains for journeys under four hours.", document.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("sha256:", document.GetProperty("content_hash").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SameIdNewText_ReplacesTheDocumentAndItsChunks()
    {
        await PostAsync("doc-1", "The meeting room is called Saturn.");
        var response = await PostAsync("doc-1", "The meeting room is called Neptune.");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("updated", body.GetProperty("status").GetString());
        Assert.Equal(2, body.GetProperty("version").GetInt64());

        var saturn = await SearchAsync("Saturn", "lexical");
        Assert.DoesNotContain(saturn, r => r.GetProperty("document_id").GetString() == "doc-1");
        var neptune = await SearchAsync("Neptune", "lexical");
        Assert.Equal("doc-1", neptune[0].GetProperty("document_id").GetString());
    }

    [Fact]
    public async Task Post_SameIdSameText_ReportsUnchangedWithoutNewVersion()
    {
        await PostAsync("doc-2", "Quarterly planning starts in March.");
        var body = await (await PostAsync("doc-2", "Quarterly planning starts in March.")).ReadJsonAsync();

        Assert.Equal("unchanged", body.GetProperty("status").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Post_WithoutId_AssignsAnId()
    {
        var body = await (await _client.PostAsJsonAsync("/v1/documents", new { title = "Note", text = "Lockers are emptied on Fridays." })).ReadJsonAsync();
        var id = body.GetProperty("id").GetString()!;

        Assert.StartsWith("doc_", id, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"/v1/documents/{id}")).StatusCode);
    }

    [Fact]
    public async Task Post_InvalidFields_Returns400WithAnErrorPerField()
    {
        var response = await _client.PostAsJsonAsync("/v1/documents", new
        {
            id = " padded ",
            text = "",
            uri = "not a uri",
            media_type = "application/pdf",
            metadata = new Dictionary<string, string> { ["bad key!"] = "x" },
        });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "id", "text", "uri", "media_type", "metadata" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"expected an error for {field}");
        }
    }

    [Fact]
    public async Task Post_TextWithoutWords_Returns422WithReason()
    {
        var response = await _client.PostAsJsonAsync("/v1/documents", new { text = "\u0001\u0002 ... --- !!!" });
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("no text", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_DocumentOverSizeLimit_Returns422AndStoresNothing()
    {
        using var factory = new VerityServerFactory();
        factory.Settings["Verity:Ingestion:MaxDocumentBytes"] = "1024";
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/v1/documents", new { id = "big", text = new string('x', 800) + " " + new string('y', 800) });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("larger than 1 kB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/documents/big")).StatusCode);
    }

    [Fact]
    public async Task Post_MalformedJson_Returns400AndExistingDocumentsAreIntact()
    {
        await PostAsync("keep", "The archive room is in the basement.");
        using var content = new StringContent("{\"id\": \"keep\", \"text\": ", Encoding.UTF8, "application/json");

        await ProblemAssert.IsProblemAsync(await _client.PostAsync("/v1/documents", content), HttpStatusCode.BadRequest);

        var document = await (await _client.GetAsync("/v1/documents/keep")).ReadJsonAsync();
        Assert.Equal(1, document.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Get_UnknownDocument_Returns404Problem()
    {
        var problem = await ProblemAssert.IsProblemAsync(await _client.GetAsync("/v1/documents/nope"), HttpStatusCode.NotFound);
        Assert.Contains("nope", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_ExistingDocument_RemovesItFromReadsAndSearch()
    {
        await PostAsync("gone", "The rooftop garden opens in May.");
        Assert.Equal("gone", (await SearchAsync("rooftop garden", "hybrid"))[0].GetProperty("document_id").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/v1/documents/gone")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/v1/documents/gone")).StatusCode);
        Assert.DoesNotContain(await SearchAsync("rooftop garden", "hybrid"), r => r.GetProperty("document_id").GetString() == "gone");
        await ProblemAssert.IsProblemAsync(await _client.DeleteAsync("/v1/documents/gone"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_Paged_VisitsEveryDocumentOnce()
    {
        for (var i = 0; i < 5; i++)
        {
            await PostAsync($"page-{i}", $"Page {i} of the paging test talks about topic number {i}.");
        }

        var seen = new List<string>();
        string? next = null;
        do
        {
            var url = "/v1/documents?limit=2" + (next is null ? "" : "&after=" + Uri.EscapeDataString(next));
            var page = await (await _client.GetAsync(url)).ReadJsonAsync();
            var documents = page.GetProperty("documents").EnumerateArray().ToList();
            Assert.InRange(documents.Count, 1, 2);
            seen.AddRange(documents.Select(d => d.GetProperty("id").GetString()!));
            next = page.GetProperty("next").GetString();
        }
        while (next is not null);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"page-{i}"), seen);
    }

    [Theory]
    [InlineData("/v1/documents?limit=0")]
    [InlineData("/v1/documents?limit=5000")]
    [InlineData("/v1/documents?after=%%%")]
    [InlineData("/v1/documents?limit=abc")]
    public async Task List_InvalidParameters_Returns400(string url)
    {
        await ProblemAssert.IsProblemAsync(await _client.GetAsync(url), HttpStatusCode.BadRequest);
    }

    private Task<HttpResponseMessage> PostAsync(string id, string text) =>
        _client.PostAsJsonAsync("/v1/documents", new { id, title = id, text });

    private async Task<List<System.Text.Json.JsonElement>> SearchAsync(string query, string mode) =>
        (await (await _client.PostAsJsonAsync("/v1/search", new { query, mode })).ReadJsonAsync())
            .GetProperty("results").EnumerateArray().ToList();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
