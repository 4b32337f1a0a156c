using System.Diagnostics;
using Microsoft.Extensions.AI;
using Verity.Core;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Llm;

namespace Verity.Server.Telemetry;

/// <summary>One check of <c>/readyz</c>: <c>ok</c>, <c>degraded</c> (works in a reduced way) or <c>failed</c>.</summary>
public sealed record ReadinessCheck(string Name, string Status, double DurationMs, string? Detail = null);

/// <summary>The body of <c>/readyz</c>: <c>ready</c>, <c>degraded</c> (still serving, 200) or <c>unavailable</c>
/// (503), the embedding model the index is read with, and each check. Unauthenticated, so it names no tenant,
/// document, URL or key.</summary>
public sealed record ReadinessReport(string Status, string EmbeddingModel, IReadOnlyList<ReadinessCheck> Checks);

/// <summary>
/// What decides whether a process should receive traffic: the index store and the job queue must answer (otherwise
/// nothing can be served), while an open model circuit only degrades answers (they fall back to the next model or to
/// extractive answers), so readiness stays up and names the endpoint. The models are not called here: their circuits
/// already reflect the real traffic, and a probe must not spend tokens.
/// </summary>
public static partial class ReadinessChecks
{
    public const string Ready = "ready";
    public const string Degraded = "degraded";
    public const string Unavailable = "unavailable";

    /// <summary>Statuses of one check (<see cref="Degraded"/> too).</summary>
    public const string Ok = "ok";
    public const string Failed = "failed";

    /// <summary>Longest a store or queue check may take before it counts as failed (a probe must not hang).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static async Task<ReadinessReport> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReadinessChecks).FullName!);
        var store = CheckAsync("store", logger, ct => services.GetRequiredService<IIndexStore>().CheckHealthAsync(ct), cancellationToken);
        var queue = CheckAsync("queue", logger, async ct =>
        {
            var queued = await services.GetRequiredService<IIngestJobStore>().CountQueuedItemsAsync(null, ct).ConfigureAwait(false);
            return $"{queued} item(s) queued";
        }, cancellationToken);

        List<ReadinessCheck> checks = [await store.ConfigureAwait(false), await queue.ConfigureAwait(false)];
        checks.AddRange((services.GetService<ModelEndpoints>()?.GetStatus() ?? []).Select(ModelCheck));

        var status = checks.Any(c => c.Status == Failed) ? Unavailable
            : checks.Any(c => c.Status == Degraded) ? Degraded
            : Ready;
        // The configured embedder's model is the index's: the index refuses to open for any other.
        var model = IngestionService.EmbeddingModelOf(services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        return new ReadinessReport(status, model, checks);
    }

    private static ReadinessCheck ModelCheck(ModelEndpointStatus endpoint)
    {
        var name = "model:" + endpoint.Name;
        if (endpoint.State != CircuitStatus.Open)
        {
            return new ReadinessCheck(name, Ok, 0, endpoint.State == CircuitStatus.HalfOpen ? "circuit half-open: the next call probes the endpoint" : null);
        }

        var fallback = endpoint.Kind == ModelEndpointKind.Chat
            ? "answers come from the next model or are extractive"
            : "questions are answered from keyword search; ingestion waits";
        return new ReadinessCheck(name, Degraded, 0, $"circuit open after {endpoint.LastError ?? "failures"}: {fallback}");
    }

    private static Task<ReadinessCheck> CheckAsync(
        string name, ILogger logger, Func<CancellationToken, Task> check, CancellationToken cancellationToken) =>
        CheckAsync(name, logger, async ct =>
        {
            await check(ct).ConfigureAwait(false);
            return (string?)null;
        }, cancellationToken);

    private static async Task<ReadinessCheck> CheckAsync(
        string name, ILogger logger, Func<CancellationToken, Task<string?>> check, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var detail = await check(timeout.Token).ConfigureAwait(false);
            return new ReadinessCheck(name, Ok, Elapsed(started), detail);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The reason goes to the log, not to the unauthenticated body: exception messages name hosts and users.
            LogCheckFailed(logger, name, e);
            var detail = e is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : "does not answer";
            return new ReadinessCheck(name, Failed, Elapsed(started), detail);
        }
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2);

    [LoggerMessage(3501, LogLevel.Warning, "Readiness check {Check} failed")]
    private static partial void LogCheckFailed(ILogger logger, string check, Exception exception);
}
