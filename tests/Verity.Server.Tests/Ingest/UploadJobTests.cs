using System.Net;
using System.Text.Json;

namespace Verity.Server.Tests.Ingest;

/// <summary>Uploads as jobs: accepted at once and watched, with form fields that shape every document of the
/// upload (metadata, version), and repeated uploads that must not rewrite what did not change.</summary>
public sealed class UploadJobTests : IDisposable
{
    private readonly VerityServerFactory _factory = new();
    private readonly HttpClient _client;

    public UploadJobTests() => _client = _factory.CreateClient();

    [Fact]
    public async Task Upload_WithoutWait_Returns202WithLocationAndTheJobFinishes()
    {
        var files = Enumerable.Range(0, 6)
            .Select(i => new UploadPart($"notes/note-{i}.md", UploadFiles.Utf8($"# Note {i}\n\nThe locker code for room {i} is kestrel{i}.\n"), "text/markdown"))
            .ToList();

        using var response = await _client.UploadAsync(files);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var id = body.GetProperty("job").Text("id");
        Assert.Equal($"/v1/ingest/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(files.Count, body.GetProperty("job").GetProperty("counts").Int("total"));
        Assert.Empty(body.GetProperty("rejected").EnumerateArray());

        var seen = new List<JsonElement>();
        var job = await _client.WaitForJobAsync(id, seen);

        Assert.Equal("succeeded", job.Text("state"));
        Assert.Equal("upload", job.Text("kind"));
        Assert.Equal(files.Count, job.GetProperty("counts").Int("added"));
        Assert.Equal(1.0, job.GetProperty("progress").GetDouble());
        var progress = seen.Select(j => j.GetProperty("progress").GetDouble()).ToList();
        Assert.All(progress, p => Assert.InRange(p, 0.0, 1.0));
        Assert.Equal(progress.Order(), progress);
        Assert.All(seen, j => Assert.InRange(j.GetProperty("counts").Int("done"), 0, files.Count));
        var created = job.GetProperty("created_at").GetDateTimeOffset();
        var started = job.GetProperty("started_at").GetDateTimeOffset();
        Assert.InRange(started, created, job.GetProperty("finished_at").GetDateTimeOffset());
        Assert.Contains(await _client.GetJobListAsync(), j => j.Text("id") == id);
        Assert.True(await _client.FindsAsync("kestrel3", "notes/note-3.md"));
    }

    [Fact]
    public async Task Upload_WithMetadata_MetadataIsStoredAndFiltersSearch()
    {
        var fields = new Dictionary<string, string> { ["metadata"] = """{"team":"harbour","year":"2025"}""", ["author"] = "Ines" };
        await _client.UploadAndWaitAsync([new UploadPart("moorings.md", UploadFiles.Utf8("# Moorings\n\nBuoys are inspected every spring tide.\n"))], fields);
        await _client.UploadAndWaitAsync([new UploadPart("cranes.md", UploadFiles.Utf8("# Cranes\n\nCranes are inspected every spring as well.\n"))]);

        var document = await (await _client.GetAsync("/v1/documents/moorings.md")).ReadJsonAsync();
        Assert.Equal("harbour", document.GetProperty("metadata").Text("team"));
        Assert.Equal("2025", document.GetProperty("metadata").Text("year"));

        var all = await _client.SearchAsync("inspected spring");
        Assert.Equal(["cranes.md", "moorings.md"], all.Select(r => r.Text("document_id")).Order());
        var harbour = await _client.SearchAsync("inspected spring", new Dictionary<string, string> { ["team"] = "harbour" });
        Assert.Equal("moorings.md", Assert.Single(harbour).Text("document_id"));
        Assert.Empty(await _client.SearchAsync("inspected spring", new Dictionary<string, string> { ["team"] = "cargo" }));
    }

    [Fact]
    public async Task Upload_LowerVersion_EndsStaleAndKeepsContent_HigherVersionUpdates()
    {
        await UploadVersionAsync("Gate A opens at six.", 5);

        var stale = await UploadVersionAsync("Gate A opens at nine.", 3);
        Assert.Equal(1, stale.GetProperty("counts").Int("stale"));
        Assert.Equal("succeeded", stale.Text("state"));
        var document = await GetDocumentAsync();
        Assert.Contains("opens at six", document.Text("text"), StringComparison.Ordinal);
        Assert.Equal(1, document.GetProperty("version").GetInt64());

        var newer = await UploadVersionAsync("Gate A opens at seven.", 7);
        Assert.Equal(1, newer.GetProperty("counts").Int("updated"));
        document = await GetDocumentAsync();
        Assert.Contains("opens at seven", document.Text("text"), StringComparison.Ordinal);
        Assert.Equal(2, document.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Upload_SameBytesAgain_IsUnchangedAndKeepsTheVersion()
    {
        UploadPart[] file = [new("faq.md", UploadFiles.Utf8("# FAQ\n\nThe canteen closes at three on Fridays.\n"), "text/markdown")];
        var first = (await _client.UploadAndWaitAsync(file)).GetProperty("job");
        var before = await (await _client.GetAsync("/v1/documents/faq.md")).ReadJsonAsync();

        var second = (await _client.UploadAndWaitAsync(file)).GetProperty("job");

        Assert.Equal(1, first.GetProperty("counts").Int("added"));
        Assert.NotEqual(first.Text("id"), second.Text("id"));
        Assert.Equal(1, second.GetProperty("counts").Int("unchanged"));
        Assert.Equal(0, second.GetProperty("counts").Int("chunks"));
        var after = await (await _client.GetAsync("/v1/documents/faq.md")).ReadJsonAsync();
        Assert.Equal(1, after.GetProperty("version").GetInt64());
        Assert.Equal(before.Text("content_hash"), after.Text("content_hash"));
        Assert.Equal(before.GetProperty("updated_at").GetDateTimeOffset(), after.GetProperty("updated_at").GetDateTimeOffset());
    }

    private async Task<JsonElement> UploadVersionAsync(string text, long version) =>
        (await _client.UploadAndWaitAsync(
            [new UploadPart("gates.md", UploadFiles.Utf8($"# Gates\n\n{text}\n"), "text/markdown")],
            new Dictionary<string, string> { ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
        .GetProperty("job");

    private async Task<JsonElement> GetDocumentAsync() => await (await _client.GetAsync("/v1/documents/gates.md")).ReadJsonAsync();

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
