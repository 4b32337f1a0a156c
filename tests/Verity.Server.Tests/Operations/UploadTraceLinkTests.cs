using System.Diagnostics;
using System.Net;
using Verity.Server.Tests.Ingest;

namespace Verity.Server.Tests.Operations;

/// <summary>An upload is answered at once and ingested later by the worker; the worker's span of each item starts a
/// trace of its own, linked to the upload request's trace, so on-call can go from the <c>X-Trace-Id</c> a caller
/// reports to the ingestion work it queued.</summary>
public sealed class UploadTraceLinkTests : IDisposable
{
    private readonly TelemetryFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Upload_RunByTheWorkerLater_ItemSpanLinksToTheTraceTheResponseNamed()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        using var client = _factory.CreateClient();

        using var response = await client.UploadAsync(
            [new UploadPart("ferry.md", UploadFiles.Utf8("# Ferry\n\nThe night ferry to the islands leaves at eleven.\n"), "text/markdown")]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        var jobId = (await response.ReadJsonAsync()).GetProperty("job").Text("id");
        var item = await _factory.Spans.FirstAsync(s => s.OperationName == "verity.ingest.item" && (s.GetTagItem("verity.job.id") as string) == jobId);
        Assert.NotNull(item);
        var link = Assert.Single(item.Links);
        Assert.Equal(traceId, link.Context.TraceId.ToHexString());
        Assert.NotEqual(traceId, item.TraceId.ToHexString());
        Assert.Equal("added", item.GetTagItem("verity.ingest.outcome"));
        // The link points at a span of the request's exported trace (the server span the upload ran in).
        var request = await _factory.Spans.TraceAsync(traceId, s => s.Kind == ActivityKind.Server);
        Assert.Contains(request, s => s.SpanId == link.Context.SpanId);
    }
}
