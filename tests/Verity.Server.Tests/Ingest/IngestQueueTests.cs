using System.Net;

namespace Verity.Server.Tests.Ingest;

/// <summary>The queue with no worker draining it (<c>Verity:Worker:Enabled=false</c>, as when a separate
/// <c>verity worker</c> process runs the jobs): back-pressure once it is full, and cancelling queued work.</summary>
public sealed class IngestQueueTests : IDisposable
{
    private readonly VerityServerFactory _factory = new();
    private readonly HttpClient _client;

    public IngestQueueTests()
    {
        _factory.Settings["Verity:Worker:Enabled"] = "false";
        _factory.Settings["Verity:Worker:MaxQueuedItems"] = "3";
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task Upload_QueueFull_Returns503WithRetryAfterAndQueuesNothing()
    {
        using var first = await _client.UploadAsync([File("a1"), File("a2")]);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        using var second = await _client.UploadAsync([File("b1"), File("b2")]);

        var problem = await ProblemAssert.IsProblemAsync(second, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("limit 3", problem.Text("detail"), StringComparison.Ordinal);
        var retryAfter = second.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Assert.Single(await _client.GetJobListAsync());

        // One more item still fits under the limit.
        using var third = await _client.UploadAsync([File("c1")]);
        Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
    }

    [Fact]
    public async Task Cancel_QueuedJob_EndsCancelledIngestsNothing_SecondCancelReturns409()
    {
        using var upload = await _client.UploadAsync([File("x1"), File("x2")]);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var id = (await upload.ReadJsonAsync()).GetProperty("job").Text("id");
        Assert.Equal("queued", (await _client.GetJobAsync(id)).GetProperty("job").Text("state"));

        using var cancel = await _client.DeleteAsync($"/v1/ingest/jobs/{id}");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var cancelled = await cancel.ReadJsonAsync();
        Assert.Equal(id, cancelled.Text("id"));
        Assert.Equal("cancelled", cancelled.Text("state"));
        var job = (await _client.GetJobAsync(id)).GetProperty("job");
        Assert.Equal("cancelled", job.Text("state"));
        Assert.Equal(0, job.GetProperty("counts").Int("added"));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/v1/documents/x1.md")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/v1/documents/x2.md")).StatusCode);

        // Cancelled items leave the queue: the limit of 3 admits three new items again.
        using var after = await _client.UploadAsync([File("y1"), File("y2"), File("y3")]);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);

        var again = await ProblemAssert.IsProblemAsync(await _client.DeleteAsync($"/v1/ingest/jobs/{id}"), HttpStatusCode.Conflict);
        Assert.Contains("cancelled", again.Text("detail"), StringComparison.Ordinal);
    }

    private static UploadPart File(string name) =>
        new($"{name}.md", UploadFiles.Utf8($"# {name}\n\nQueued document {name} about lighthouses.\n"), "text/markdown");

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
