using System.Diagnostics;
using Verity.Core.Telemetry;

namespace Verity.Core.Jobs;

/// <summary>
/// Ties queued work to the trace that queued it. A job keeps the W3C context of the span current when it was created
/// (an upload's request, a crawl's); the worker that runs its items later, maybe in another process, starts each
/// item's span in a trace of its own with a link to that context. A link rather than a parent: the request ended long
/// before the work, and a trace that lasted until a queue drained would tell the wrong story about the request's
/// latency. This is how OpenTelemetry shapes queued work.
/// </summary>
internal static class JobTrace
{
    // W3C recommends propagating at least 512 characters of tracestate; a longer one (sent in by a caller) is dropped
    // rather than cut, since a cut list member would be invalid.
    private const int MaxTraceStateLength = 512;

    /// <summary><paramref name="job"/> with the current activity's context, unless it carries one already or the
    /// current activity has no W3C id.</summary>
    public static NewIngestJob Capture(NewIngestJob job)
    {
        if (job.TraceParent is not null || Activity.Current is not { IdFormat: ActivityIdFormat.W3C } current)
        {
            return job;
        }

        var state = current.TraceStateString;
        return job with
        {
            TraceParent = current.Id,
            TraceState = state is { Length: > 0 and <= MaxTraceStateLength } ? state : null,
        };
    }

    /// <summary>The <c>verity.ingest.item</c> span of <paramref name="leased"/>, linked to the context its job was
    /// enqueued in. A stored context that does not parse gives no link; it never fails the item.</summary>
    public static Activity? StartItemSpan(LeasedItem leased)
    {
        if (leased.TraceParent is { } parent
            && ActivityContext.TryParse(parent, leased.TraceState, isRemote: true, out var enqueued))
        {
            // parentContext default: the span's parent is whatever is current here (nothing, on a worker lane).
            return VerityTelemetry.Source.StartActivity(
                Spans.IngestItem, ActivityKind.Internal, parentContext: default, tags: null, links: [new ActivityLink(enqueued)]);
        }

        return Spans.Start(Spans.IngestItem);
    }
}
