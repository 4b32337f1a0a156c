using System.Collections.Concurrent;
using System.Diagnostics;
using Verity.Core.Jobs;
using Verity.Core.Telemetry;
using Verity.Sqlite.Tests.Jobs;

namespace Verity.Sqlite.Tests.Telemetry;

/// <summary>A job remembers the trace it was enqueued in (the request's, for an upload), and the worker that runs its
/// items later starts each item's span in a trace of its own, linked to that one: queued work is followed from the
/// request without pretending the request lasted until the queue drained.</summary>
public sealed class JobTraceLinkTests
{
    private const string Text = "The night ferry leaves the harbour at eleven and docks before dawn.";

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task ProcessNextAsync_JobEnqueuedInATrace_ItemSpanOfItsOwnTraceLinksToTheEnqueuingSpan()
    {
        using var h = await JobHarness.CreateAsync();
        using var spans = new ItemSpans();
        IngestJob job;
        ActivityContext enqueuing;
        string traceparent;
        using (var request = StartW3C("POST /v1/ingest/uploads"))
        {
            request.TraceStateString = "verity=upload";
            enqueuing = request.Context;
            traceparent = request.Id!;
            spans.Follow(enqueuing.TraceId);
            job = await h.EnqueueUploadsAsync([JobHarness.TextItem("ferry.md", Text)]);
        }

        // The worker's lane runs outside any request.
        Activity.Current = null;
        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));

        var item = Assert.Single(spans.Stopped);
        var link = Assert.Single(item.Links);
        Assert.Equal((enqueuing.TraceId, enqueuing.SpanId), (link.Context.TraceId, link.Context.SpanId));
        Assert.Equal("verity=upload", link.Context.TraceState);
        Assert.NotEqual(enqueuing.TraceId, item.TraceId);
        Assert.Equal(default, item.ParentSpanId);
        Assert.Equal((job.Id, "added"), (item.GetTagItem("verity.job.id"), item.GetTagItem("verity.ingest.outcome")));
        var stored = await h.GetJobAsync(job.Id);
        Assert.Equal((traceparent, "verity=upload"), (stored.TraceParent, stored.TraceState));
    }

    [Theory]
    [InlineData("not a traceparent")]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01")]
    [InlineData("")]
    public async Task ProcessNextAsync_StoredContextInvalid_ItemRunsWithoutALink(string stored)
    {
        using var h = await JobHarness.CreateAsync();
        using var spans = new ItemSpans();
        var job = await h.Jobs.CreateJobAsync(
            new NewIngestJob { TenantId = JobHarness.Tenant, Kind = "upload", Source = "api", TraceParent = stored, TraceState = "a=b" },
            [JobHarness.TextItem("ferry.md", Text)], null, Ct);
        using var lane = StartW3C("worker lane");
        spans.Follow(lane.TraceId);

        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));

        var item = Assert.Single(spans.Stopped);
        Assert.Empty(item.Links);
        Assert.Equal(lane.SpanId, item.ParentSpanId);
        Assert.Equal("added", item.GetTagItem("verity.ingest.outcome"));
        Assert.Equal(IngestJobState.Succeeded, (await h.GetJobAsync(job.Id)).State);
    }

    [Fact]
    public async Task EnqueueAsync_NoW3CActivityOrOversizedTraceState_StoresOnlyWhatIsValid()
    {
        using var h = await JobHarness.CreateAsync();

        Activity.Current = null;
        var untraced = await h.EnqueueUploadsAsync([JobHarness.TextItem("a.md", Text)]);
        IngestJob hierarchical;
        using (new Activity("legacy").SetIdFormat(ActivityIdFormat.Hierarchical).Start())
        {
            hierarchical = await h.EnqueueUploadsAsync([JobHarness.TextItem("b.md", Text)]);
        }

        IngestJob oversized;
        using (var request = StartW3C("request"))
        {
            request.TraceStateString = "verity=" + new string('x', 600);
            oversized = await h.EnqueueUploadsAsync([JobHarness.TextItem("c.md", Text)]);
            Assert.Equal(request.Id, oversized.TraceParent);
        }

        Assert.Equal(((string?)null, (string?)null), (untraced.TraceParent, untraced.TraceState));
        Assert.Equal(((string?)null, (string?)null), (hierarchical.TraceParent, hierarchical.TraceState));
        Assert.Null(oversized.TraceState);
    }

    private static Activity StartW3C(string name) => new Activity(name).SetIdFormat(ActivityIdFormat.W3C).Start();

    /// <summary>Records the item spans of the traces a test follows: those linked to one, and those under one. Every
    /// listener hears every test's spans, so sampling is limited to these.</summary>
    private sealed class ItemSpans : IDisposable
    {
        private readonly ConcurrentDictionary<ActivityTraceId, bool> _traces = new();
        private readonly ConcurrentQueue<Activity> _stopped = new();
        private readonly ActivityListener _listener;

        public ItemSpans()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == VerityTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                    options.Name == "verity.ingest.item" && Followed(options.Parent.TraceId, options.Links)
                        ? ActivitySamplingResult.AllDataAndRecorded
                        : ActivitySamplingResult.None,
                ActivityStopped = activity =>
                {
                    if (activity.OperationName == "verity.ingest.item" && Followed(activity.TraceId, activity.Links))
                    {
                        _stopped.Enqueue(activity);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Stopped => [.. _stopped];

        public void Follow(ActivityTraceId trace) => _traces[trace] = true;

        public void Dispose() => _listener.Dispose();

        private bool Followed(ActivityTraceId trace, IEnumerable<ActivityLink>? links) =>
            _traces.ContainsKey(trace) || (links ?? []).Any(l => _traces.ContainsKey(l.Context.TraceId));
    }
}
