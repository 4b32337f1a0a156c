using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Verity.Server.Tests.Ingest;

/// <summary>One multipart request carrying every kind of file an upload meets: good documents of each format,
/// files refused before queuing, and files the worker must quarantine.</summary>
public sealed class UploadBatchTests : IDisposable
{
    private const int MaxDocumentBytes = 200_000;
    private readonly VerityServerFactory _factory = new();
    private readonly HttpClient _client;

    public UploadBatchTests()
    {
        _factory.Settings["Verity:Ingestion:MaxDocumentBytes"] = MaxDocumentBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task Upload_MixedBatchWithWait_IngestsGoodFilesRejectsAndQuarantinesTheRest()
    {
        UploadPart[] files =
        [
            new("guides/handbook.pdf", UploadFiles.Pdf(
                ["Remote access handbook", "Install the client before the first login."],
                ["Sessions through the Pangolin gateway expire after twelve hours."],
                ["Restart the adapter when the tunnel drops."]), "application/pdf"),
            new("guides/onboarding.docx", UploadFiles.Docx(
                ("Heading1", "Onboarding"),
                ("Heading2", "Equipment"),
                (null, "New starters collect a Marmoset laptop from the service desk."))),
            new("plans.xlsx", UploadFiles.Xlsx("Plans", ["Plan", "Limit"], ["Quokka", "3000"], ["Scale", "10000"])),
            new("regions.csv", UploadFiles.Utf8("region,manager\nNorth,Wombatia Vale\nSouth,Ben Ortiz\n"), "text/csv"),
            new("harbour.md", UploadFiles.Utf8("# Harbour rules\n\n## Mooring\n\nBoats moor at the Narwhal pier overnight.\n"), "text/markdown"),
            new("legacy.txt", UploadFiles.Latin1("Le menu du jour propose une crème brûlée et un café noisette.\n"), "text/plain"),
            new("broken.docx", UploadFiles.CorruptDocx()),
            new("bomb.docx", UploadFiles.ZipBomb()),
            new("empty.txt", [], "text/plain"),
            new("huge.txt", UploadFiles.Utf8(string.Join(' ', Enumerable.Repeat("filler", MaxDocumentBytes / 6))), "text/plain"),
        ];

        var body = await _client.UploadAndWaitAsync(files);

        // Empty and oversized files never reach the queue; each is listed with a reason.
        var rejected = body.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.Text("file"), r => r.Text("reason"));
        Assert.Equal(["empty.txt", "huge.txt"], rejected.Keys.Order());
        Assert.Contains("empty", rejected["empty.txt"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("MaxDocumentBytes", rejected["huge.txt"], StringComparison.Ordinal);
        var accepted = body.GetProperty("accepted").EnumerateArray().ToList();
        Assert.Equal(files.Length - rejected.Count, accepted.Count);
        Assert.Equal(
            files.Select(f => f.FileName).Except(rejected.Keys).Order(),
            accepted.Select(a => a.Text("document_id")).Order());
        Assert.All(accepted, a => Assert.Equal(files.Single(f => f.FileName == a.Text("file")).Bytes.Length, a.GetProperty("bytes").GetInt64()));

        // The job finished with every accepted file accounted for.
        var job = body.GetProperty("job");
        var counts = job.GetProperty("counts");
        Assert.Equal("completed_with_errors", job.Text("state"));
        Assert.Equal(accepted.Count, counts.Int("total"));
        Assert.Equal(counts.Int("total"), counts.Int("done"));
        Assert.Equal(6, counts.Int("added"));
        Assert.Equal(2, counts.Int("quarantined"));
        Assert.Equal(counts.Int("total"), counts.Int("added") + counts.Int("updated") + counts.Int("unchanged") + counts.Int("stale") + counts.Int("quarantined"));
        Assert.Equal(1.0, job.GetProperty("progress").GetDouble());
        Assert.True(counts.Int("chunks") >= 6, $"expected a chunk per added document at least: {counts}");

        await AssertQuarantinedAsync(job.Text("id"));
        await AssertSearchableAsync();
    }

    private async Task AssertQuarantinedAsync(string jobId)
    {
        var detail = await _client.GetJobAsync(jobId);
        var quarantined = detail.GetProperty("quarantined").EnumerateArray().ToDictionary(i => i.Text("document_id"));
        Assert.Equal(["bomb.docx", "broken.docx"], quarantined.Keys.Order());
        Assert.Contains("zip bomb", quarantined["bomb.docx"].Text("error"), StringComparison.Ordinal);
        Assert.Contains("damaged", quarantined["broken.docx"].Text("error"), StringComparison.Ordinal);
        Assert.All(quarantined.Values, i => Assert.Equal("quarantined", i.Text("state")));
        Assert.Empty(detail.GetProperty("retrying").EnumerateArray());

        using var response = await _client.GetAsync("/v1/ingest/quarantine");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["bomb.docx", "broken.docx"], items.Select(i => i.Text("document_id")).Order());
        Assert.All(items, i => Assert.Equal(jobId, i.Text("job_id")));
        Assert.All(items, i => Assert.Equal(quarantined[i.Text("document_id")].Text("error"), i.Text("error")));

        // A quarantined file leaves nothing in the index.
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/v1/documents/bomb.docx")).StatusCode);
    }

    private async Task AssertSearchableAsync()
    {
        var pdf = Assert.Single(await _client.SearchAsync("Pangolin gateway"));
        Assert.Equal("guides/handbook.pdf", pdf.Text("document_id"));
        // The page is exposed on search hits (SearchHitDto.Page); text from page 2 must say so.
        Assert.Equal(2, pdf.GetProperty("page").GetInt32());
        using (var chat = await _client.PostAsJsonAsync("/v1/chat", new { question = "When do sessions through the Pangolin gateway expire?" }))
        {
            var sources = (await chat.ReadJsonAsync()).GetProperty("sources").EnumerateArray();
            Assert.Equal(2, sources.First(s => s.Text("document_id") == "guides/handbook.pdf").GetProperty("page").GetInt32());
        }

        var docx = Assert.Single(await _client.SearchAsync("Marmoset laptop"));
        Assert.Equal("guides/onboarding.docx", docx.Text("document_id"));
        Assert.Contains("Equipment", docx.Text("heading_path"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, docx.GetProperty("page").ValueKind);

        Assert.Equal("plans.xlsx", Assert.Single(await _client.SearchAsync("Quokka")).Text("document_id"));
        Assert.Equal("regions.csv", Assert.Single(await _client.SearchAsync("Wombatia")).Text("document_id"));
        Assert.Equal("harbour.md", Assert.Single(await _client.SearchAsync("Narwhal pier")).Text("document_id"));
        Assert.Equal("legacy.txt", Assert.Single(await _client.SearchAsync("noisette")).Text("document_id"));

        // Latin-1 bytes were decoded as such, not as UTF-8 replacement characters.
        var legacy = await (await _client.GetAsync("/v1/documents/legacy.txt")).ReadJsonAsync();
        Assert.Contains("crème brûlée et un café", legacy.Text("text"), StringComparison.Ordinal);
        Assert.Equal("upload", (await _client.GetJobListAsync()).Single().Text("kind"));
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
