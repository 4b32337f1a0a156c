namespace Verity.Server.Tests.Ingest;

/// <summary><c>GET /v1/ingest/jobs</c>: newest first, a page at a time.</summary>
public sealed class JobListTests : IDisposable
{
    private readonly VerityServerFactory _factory = new();
    private readonly HttpClient _client;

    public JobListTests()
    {
        // Queued jobs are enough to page through; no worker keeps the test short.
        _factory.Settings["Verity:Worker:Enabled"] = "false";
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task List_Paged_VisitsEveryJobOnceNewestFirst()
    {
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await _client.UploadAsync([new UploadPart($"job-{i}.md", UploadFiles.Utf8($"Job number {i}."))]);
            created.Add((await response.ReadJsonAsync()).GetProperty("job").Text("id"));
        }

        var seen = new List<string>();
        string? next = null;
        do
        {
            var url = "/v1/ingest/jobs?limit=2" + (next is null ? "" : "&after=" + Uri.EscapeDataString(next));
            var page = await (await _client.GetAsync(url)).ReadJsonAsync();
            var jobs = page.GetProperty("jobs").EnumerateArray().ToList();
            Assert.InRange(jobs.Count, 1, 2);
            seen.AddRange(jobs.Select(j => j.Text("id")));
            next = page.GetProperty("next").GetString();
        }
        while (next is not null);

        Assert.Equal(Enumerable.Reverse(created), seen);
    }

    [Fact]
    public async Task List_UnknownCursor_Returns400()
    {
        var problem = await ProblemAssert.IsProblemAsync(await _client.GetAsync("/v1/ingest/jobs?after=job_nope"), System.Net.HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("after", out _), problem.ToString());
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
