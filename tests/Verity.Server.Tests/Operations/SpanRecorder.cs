using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Verity.Server.Tests.Operations;

/// <summary>An in-memory span exporter added to the host's own tracer provider, so the spans are exactly what an OTLP
/// exporter would send. Activity listeners are process-wide: spans of other servers running in parallel arrive too,
/// so tests select theirs by trace id.</summary>
internal sealed class SpanRecorder : BaseExporter<Activity>
{
    private readonly ConcurrentQueue<Activity> _spans = new();

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var span in batch)
        {
            _spans.Enqueue(span);
        }

        return ExportResult.Success;
    }

    public IReadOnlyList<Activity> Of(string traceId) =>
        [.. _spans.Where(s => s.TraceId.ToHexString() == traceId)];

    /// <summary>Waits until the trace holds a span matching <paramref name="until"/>: the server span ends after the
    /// client has read the response.</summary>
    public async Task<IReadOnlyList<Activity>> TraceAsync(string traceId, Func<Activity, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!Of(traceId).Any(until) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return Of(traceId);
    }

    /// <summary>Waits for the first span matching <paramref name="match"/>, in any trace (the spans of queued work start
    /// traces of their own); null when none arrived within 10 s.</summary>
    public async Task<Activity?> FirstAsync(Func<Activity, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_spans.FirstOrDefault(match) is { } span)
            {
                return span;
            }

            await Task.Delay(10);
        }

        return _spans.FirstOrDefault(match);
    }
}
