using System.Net;
using System.Net.Http.Json;

namespace Verity.Server.Tests.Ingest;

/// <summary><c>POST /v1/documents</c> with the source's own <c>version</c>: a write older than what the index holds
/// is refused, so a late retry cannot undo a newer edit.</summary>
public sealed class DocumentVersionTests : IDisposable
{
    private readonly VerityServerFactory _factory = new();
    private readonly HttpClient _client;

    public DocumentVersionTests() => _client = _factory.CreateClient();

    [Fact]
    public async Task Post_OlderVersion_Returns409AndLeavesTheDocument()
    {
        Assert.Equal(HttpStatusCode.Created, (await PostAsync("Berth 4 is reserved for ferries.", 10)).StatusCode);

        using var stale = await PostAsync("Berth 4 is free for everyone.", 9);

        var problem = await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.Conflict);
        Assert.Contains("version 9", problem.Text("detail"), StringComparison.Ordinal);
        var document = await (await _client.GetAsync("/v1/documents/berths")).ReadJsonAsync();
        Assert.Contains("reserved for ferries", document.Text("text"), StringComparison.Ordinal);
        Assert.Equal(1, document.GetProperty("version").GetInt64());
        Assert.Empty(await _client.SearchAsync("everyone"));
    }

    [Fact]
    public async Task Post_SameOrNewerVersion_Applies()
    {
        await PostAsync("Berth 4 is reserved for ferries.", 10);

        using var same = await PostAsync("Berth 4 is reserved for ferries.", 10);
        Assert.Equal("unchanged", (await same.ReadJsonAsync()).Text("status"));
        using var newer = await PostAsync("Berth 4 is reserved for tugs.", 11);

        Assert.Equal(HttpStatusCode.OK, newer.StatusCode);
        var body = await newer.ReadJsonAsync();
        Assert.Equal("updated", body.Text("status"));
        Assert.Equal(2, body.GetProperty("version").GetInt64());
        Assert.Single(await _client.SearchAsync("tugs"));
    }

    [Fact]
    public async Task Post_WithoutVersionAfterUpload_AppliesInArrivalOrder()
    {
        await _client.UploadAndWaitAsync([new UploadPart("berths", UploadFiles.Utf8("Berth 4 is reserved for ferries."), "text/plain")]);

        // Versions the server assigns increase, so a write without a version replaces an earlier upload.
        using var response = await _client.PostAsJsonAsync("/v1/documents", new { id = "berths", text = "Berth 4 is closed for repairs." });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("updated", (await response.ReadJsonAsync()).Text("status"));
    }

    [Fact]
    public async Task Post_NegativeVersion_Returns400()
    {
        var problem = await ProblemAssert.IsProblemAsync(await PostAsync("Negative.", -1), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("version", out _));
    }

    private Task<HttpResponseMessage> PostAsync(string text, long version) =>
        _client.PostAsJsonAsync("/v1/documents", new { id = "berths", title = "Berths", text, version });

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
