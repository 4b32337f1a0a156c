using Microsoft.Extensions.Logging;

namespace Verity.Core.Ingestion;

internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Ingested document {DocumentId} ({Status}, {Chunks} chunks, version {Version})")]
    public static partial void DocumentIngested(ILogger logger, string documentId, IngestStatus status, int chunks, long version);

    [LoggerMessage(1002, LogLevel.Warning, "Skipped {Path}: {Reason}")]
    public static partial void FileRejected(ILogger logger, string path, string reason);

    [LoggerMessage(1003, LogLevel.Information, "Removed document {DocumentId}: gone from its source")]
    public static partial void DocumentRemoved(ILogger logger, string documentId);

    [LoggerMessage(1004, LogLevel.Information, "Synced {Root}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Removed} removed, {Failed} failed in {ElapsedMs} ms")]
    public static partial void SyncCompleted(ILogger logger, string root, int added, int updated, int unchanged, int removed, int failed, long elapsedMs);

    [LoggerMessage(1005, LogLevel.Error, "Failed to ingest {Path}")]
    public static partial void FileFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(1006, LogLevel.Information, "Skipped document {DocumentId}: version {Incoming} is older than the stored version {Stored}")]
    public static partial void DocumentStale(ILogger logger, string documentId, long incoming, long stored);
}
