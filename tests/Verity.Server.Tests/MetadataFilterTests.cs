using System.Net;
using System.Net.Http.Json;

namespace Verity.Server.Tests;

/// <summary>Standard metadata (title, source URI, author, dates, media type) and custom keys are all retrieval
/// filters, exact and by range, applied inside the store query.</summary>
public sealed class MetadataFilterTests : IAsyncLifetime
{
    private readonly VerityServerFactory _factory = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _client = _factory.CreateClient();
        await PutAsync("memo-2023", "Parking memo", "ana", "2023-05-02T09:00:00Z", "text/plain", "team", "ops");
        await PutAsync("memo-2024", "Parking update", "ben", "2024-03-10T09:00:00Z", "text/markdown", "team", "ops");
        await PutAsync("memo-2025", "Parking rules", "ana", "2025-01-20T09:00:00Z", "text/html", "team", "legal");
    }

    [Theory]
    [InlineData("author", "ana", "memo-2023,memo-2025")]
    [InlineData("mime_type", "text/markdown", "memo-2024")]
    [InlineData("title", "Parking rules", "memo-2025")]
    [InlineData("source_uri", "https://intranet.example/memo-2024", "memo-2024")]
    [InlineData("team", "ops", "memo-2023,memo-2024")]
    public async Task Search_ExactFilterOnStandardOrCustomKey_OnlyMatchingDocuments(string key, string value, string expected)
    {
        var ids = await SearchAsync(new { query = "parking garage levels", filters = new Dictionary<string, string> { [key] = value } });
        Assert.Equal(expected.Split(','), ids);
    }

    [Fact]
    public async Task Search_RangeOnModified_OnlyDocumentsInTheRange()
    {
        var ids = await SearchAsync(new
        {
            query = "parking garage levels",
            ranges = new Dictionary<string, object> { ["modified"] = new { from = "2024-01-01", to = "2024-12-31T23:59:59Z" } },
        });
        Assert.Equal(["memo-2024"], ids);

        var since = await SearchAsync(new { query = "parking garage levels", ranges = new Dictionary<string, object> { ["modified"] = new { from = "2024-01-01" } } });
        Assert.Equal(["memo-2024", "memo-2025"], since);
    }

    [Fact]
    public async Task Chat_RangeAndExactFilterTogether_CitesOnlyTheMatchingDocument()
    {
        var response = await _client.PostAsJsonAsync("/v1/chat", new
        {
            question = "How many parking garage levels are there?",
            filters = new Dictionary<string, string> { ["author"] = "ana" },
            ranges = new Dictionary<string, object> { ["created"] = new { to = "2024-01-01" } },
        });
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(body.GetProperty("sources").EnumerateArray(), s => Assert.Equal("memo-2023", s.GetProperty("document_id").GetString()));
    }

    [Fact]
    public async Task Search_RangeWithoutBounds_Returns400()
    {
        var response = await _client.PostAsJsonAsync("/v1/search", new
        {
            query = "parking",
            ranges = new Dictionary<string, object> { ["modified"] = new { } },
        });
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task GetDocument_StandardMetadata_IsStoredWithTheDocument()
    {
        var body = await (await _client.GetAsync("/v1/documents/memo-2025")).ReadJsonAsync();
        var metadata = body.GetProperty("metadata");
        Assert.Equal("ana", metadata.GetProperty("author").GetString());
        Assert.Equal("2025-01-20T09:00:00Z", metadata.GetProperty("modified").GetString());
        Assert.Equal("text/html", metadata.GetProperty("mime_type").GetString());
        Assert.Equal("legal", metadata.GetProperty("team").GetString());
    }

    private async Task PutAsync(string id, string title, string author, string modified, string mediaType, string key, string value)
    {
        var text = mediaType == "text/html"
            ? $"<html><body><p>The parking garage has four levels; {title} applies to all of them.</p></body></html>"
            : $"The parking garage has four levels; {title} applies to all of them.";
        var response = await _client.PostAsJsonAsync("/v1/documents", new
        {
            id,
            title,
            text,
            uri = "https://intranet.example/" + id,
            media_type = mediaType,
            author,
            created = modified,
            modified,
            metadata = new Dictionary<string, string> { [key] = value },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<List<string>> SearchAsync(object request)
    {
        var response = await _client.PostAsJsonAsync("/v1/search", request);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("document_id").GetString()!).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        return _factory.DisposeAsync().AsTask();
    }
}
