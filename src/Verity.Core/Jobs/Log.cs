using Microsoft.Extensions.Logging;

namespace Verity.Core.Jobs;

internal static partial class Log
{
    [LoggerMessage(1101, LogLevel.Debug, "Job {JobId}: {DocumentId} {Outcome} in {ElapsedMs} ms")]
    public static partial void ItemDone(ILogger logger, string jobId, string documentId, JobItemOutcome outcome, long elapsedMs);

    [LoggerMessage(1102, LogLevel.Warning, "Job {JobId}: quarantined {DocumentId}: {Reason}")]
    public static partial void ItemQuarantined(ILogger logger, string jobId, string documentId, string reason);

    [LoggerMessage(1103, LogLevel.Warning, "Job {JobId}: {DocumentId} failed (attempt {Attempt}); retrying in {DelayMs} ms")]
    public static partial void ItemRetrying(ILogger logger, string jobId, string documentId, int attempt, long delayMs, Exception exception);

    [LoggerMessage(1104, LogLevel.Error, "Job {JobId}: gave up on {DocumentId} after {Attempts} attempts")]
    public static partial void ItemGaveUp(ILogger logger, string jobId, string documentId, int attempts, Exception exception);

    [LoggerMessage(1105, LogLevel.Warning, "The ingestion queue is unavailable; retrying")]
    public static partial void QueueUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(1106, LogLevel.Information, "Removed document {DocumentId}: gone from its source")]
    public static partial void DocumentRemoved(ILogger logger, string documentId);

    [LoggerMessage(1107, LogLevel.Information, "Enqueued job {JobId} ({Kind}, {Items} items) for {Source}")]
    public static partial void JobEnqueued(ILogger logger, string jobId, string kind, int items, string source);

    [LoggerMessage(1110, LogLevel.Warning, "Stopped item of job {JobId} for document {DocumentId}: its lease is no longer this worker's (released, expired or the job was cancelled)")]
    public static partial void LeaseLost(ILogger logger, string jobId, string documentId);

    [LoggerMessage(1109, LogLevel.Information, "Deleted {Count} finished ingestion jobs past their retention")]
    public static partial void JobsPruned(ILogger logger, int count);

    [LoggerMessage(1108, LogLevel.Information, "Released {Count} items leased by {Owner}, which is no longer running")]
    public static partial void LeasesReleased(ILogger logger, int count, string owner);
}
