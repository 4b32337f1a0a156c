namespace Verity.Evaluation.Load;

/// <summary>The figures of one load run (what <c>verity bench http --json</c> prints, in snake_case).</summary>
/// <param name="ElapsedS">Wall time of the measured phase: from the end of the warm-up until the last worker
/// stopped (requests still in flight at the deadline are waited for and counted).</param>
/// <param name="Total">All measured requests, whatever the endpoint.</param>
/// <param name="Endpoints">The same figures per endpoint (<c>search</c>, <c>chat</c>) that received load.</param>
/// <param name="Histogram">Latency of the successful (2xx) requests, all endpoints together.</param>
public sealed record LoadReport(
    Uri Url,
    LoadEndpoint Endpoint,
    int Concurrency,
    double DurationS,
    double WarmupS,
    long? MaxRequests,
    int Queries,
    long WarmupRequests,
    double ElapsedS,
    EndpointStats Total,
    IReadOnlyDictionary<string, EndpointStats> Endpoints,
    IReadOnlyList<HistogramBin> Histogram);

/// <summary>Request counts and latency for one endpoint, or for all of them.</summary>
/// <param name="Requests">Measured requests that completed: successes plus errors.</param>
/// <param name="ErrorsByStatus">Responses outside 2xx, by status code.</param>
/// <param name="Exceptions">Requests that got no response (refused connection, timeout, reset…), by kind.</param>
/// <param name="LatencyMs">Latency of the 2xx responses only: a fast 400 or 503 would otherwise flatter it.</param>
public sealed record EndpointStats(
    long Requests,
    long Succeeded,
    long Errors,
    double RequestsPerSecond,
    IReadOnlyDictionary<int, long> ErrorsByStatus,
    IReadOnlyDictionary<string, long> Exceptions,
    LatencySummary LatencyMs);

public enum LoadPhase
{
    Warmup,
    Measuring,
    Draining,
}

/// <summary>A live snapshot, reported every <see cref="HttpLoadOptions.ProgressInterval"/>.</summary>
/// <param name="Elapsed">Since the run started, warm-up included.</param>
/// <param name="Planned">Warm-up plus measured duration.</param>
/// <param name="Requests">Measured requests completed so far.</param>
/// <param name="CurrentRequestsPerSecond">Completed requests (warm-up included) per second over the last interval.</param>
public sealed record LoadProgress(
    LoadPhase Phase,
    TimeSpan Elapsed,
    TimeSpan Planned,
    long Requests,
    long Errors,
    double CurrentRequestsPerSecond);
