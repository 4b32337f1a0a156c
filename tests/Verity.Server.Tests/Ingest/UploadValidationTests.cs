using System.Net;
using System.Net.Http.Json;

namespace Verity.Server.Tests.Ingest;

/// <summary>Uploads the endpoint must refuse, each with a ProblemDetails body that says what to fix, and nothing
/// queued for any of them.</summary>
public sealed class UploadValidationTests : IDisposable
{
    private static readonly UploadPart Good = new("ok.md", UploadFiles.Utf8("# Fine\n\nA perfectly good file about otters.\n"), "text/markdown");
    private readonly VerityServerFactory _factory = new();
    private readonly HttpClient _client;

    public UploadValidationTests()
    {
        // No worker: a test that expects nothing queued can look at the job list without racing it.
        _factory.Settings["Verity:Worker:Enabled"] = "false";
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task Upload_JsonBody_Returns415Problem()
    {
        using var response = await _client.PostAsJsonAsync("/v1/ingest/uploads", new { text = "not a file" });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("multipart/form-data", problem.Text("detail"), StringComparison.Ordinal);
        Assert.Empty(await _client.GetJobListAsync());
    }

    [Fact]
    public async Task Upload_NoFiles_Returns400ValidationProblem()
    {
        using var content = IngestApi.Multipart([], new Dictionary<string, string> { ["author"] = "Ines" });
        using var response = await _client.PostAsync("/v1/ingest/uploads", content);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("files", out _), problem.ToString());
        Assert.Empty(await _client.GetJobListAsync());
    }

    [Theory]
    [InlineData("multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.md\"\r\n\r\nhello\r\n--x--\r\n")]
    [InlineData("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.md\"\r\n\r\nhello, never closed")]
    [InlineData("multipart/form-data; boundary=x", "this is not a multipart body at all")]
    public async Task Upload_MalformedMultipart_Returns400Problem(string contentType, string body)
    {
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await _client.PostAsync("/v1/ingest/uploads", content);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty(await _client.GetJobListAsync());
    }

    [Fact]
    public async Task Upload_MorePartsThanTheFormLimit_Returns4xxProblem()
    {
        // ASP.NET Core reads at most 1,024 form entries; a bigger upload (a large folder) must be told to split.
        var files = Enumerable.Range(0, 1100).Select(i => new UploadPart($"many/{i}.txt", UploadFiles.Utf8($"File {i}.")));

        using var response = await _client.UploadAsync(files);

        Assert.InRange((int)response.StatusCode, 400, 499);
        await ProblemAssert.IsProblemAsync(response, response.StatusCode);
        Assert.Empty(await _client.GetJobListAsync());
    }

    [Theory]
    [InlineData("metadata", "{\"team\": ")]
    [InlineData("metadata", "[\"not\", \"an\", \"object\"]")]
    [InlineData("metadata", "{\"bad key!\": \"x\"}")]
    [InlineData("acl", "{\"users\": 42}")]
    [InlineData("acl", "not json")]
    [InlineData("version", "-3")]
    [InlineData("version", "seven")]
    public async Task Upload_MalformedField_Returns400NamingTheField(string field, string value)
    {
        using var response = await _client.UploadAsync([Good], new Dictionary<string, string> { [field] = value });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Empty(await _client.GetJobListAsync());
    }

    [Theory]
    [InlineData("../escape.md")]
    [InlineData("docs/../../escape.md")]
    [InlineData("..")]
    public async Task Upload_FileNameWithDotDot_IsRejectedAndTheRestIsAccepted(string name)
    {
        using var response = await _client.UploadAsync([Good, new UploadPart(name, UploadFiles.Utf8("Sneaky text."), "text/plain")]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal(name, rejected.Text("file"));
        Assert.Contains("'..'", rejected.Text("reason"), StringComparison.Ordinal);
        Assert.Equal("ok.md", Assert.Single(body.GetProperty("accepted").EnumerateArray()).Text("document_id"));
        Assert.Equal(1, body.GetProperty("job").GetProperty("counts").Int("total"));
    }

    [Fact]
    public async Task Upload_OnlyUnusableFiles_Returns400ListingEachFile()
    {
        using var response = await _client.UploadAsync([new UploadPart("../escape.md", UploadFiles.Utf8("x")), new UploadPart("empty.md", [])]);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").GetProperty("files").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("../escape.md:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("empty.md:", StringComparison.Ordinal));
        Assert.Empty(await _client.GetJobListAsync());
    }

    [Fact]
    public async Task Upload_TwoFilesWithOneName_RejectsTheSecond()
    {
        using var response = await _client.UploadAsync([Good, Good with { Bytes = UploadFiles.Utf8("Another text.") }]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Single(body.GetProperty("accepted").EnumerateArray());
        Assert.Contains("same name", Assert.Single(body.GetProperty("rejected").EnumerateArray()).Text("reason"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/ingest/jobs?limit=0")]
    [InlineData("/v1/ingest/jobs?limit=501")]
    [InlineData("/v1/ingest/quarantine?limit=0")]
    public async Task List_InvalidLimit_Returns400(string url)
    {
        await ProblemAssert.IsProblemAsync(await _client.GetAsync(url), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task GetJob_UnknownId_Returns404Problem()
    {
        var problem = await ProblemAssert.IsProblemAsync(await _client.GetAsync("/v1/ingest/jobs/job_nope"), HttpStatusCode.NotFound);
        Assert.Contains("job_nope", problem.Text("detail"), StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await _client.DeleteAsync("/v1/ingest/jobs/job_nope"), HttpStatusCode.NotFound);
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
