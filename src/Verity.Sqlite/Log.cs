using Microsoft.Extensions.Logging;

namespace Verity.Sqlite;

internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "Opened index {Path} (live generation {Generation})")]
    public static partial void StoreOpened(ILogger logger, string path, int generation);

    [LoggerMessage(2002, LogLevel.Information, "Created index generation {Generation} for {Model} ({Dimensions} dimensions)")]
    public static partial void GenerationCreated(ILogger logger, int generation, string model, int dimensions);

    [LoggerMessage(2003, LogLevel.Debug, "Loaded vector segment of tenant {Tenant}: {Chunks} chunks, {Bytes} bytes")]
    public static partial void SegmentLoaded(ILogger logger, string tenant, int chunks, long bytes);

    [LoggerMessage(2004, LogLevel.Error, "SQLite failed to {Operation} (error {Code})")]
    public static partial void StoreError(ILogger logger, string operation, int code, Exception exception);

    [LoggerMessage(2005, LogLevel.Information, "Migrated the database {Path} from schema version {From} to {To}")]
    public static partial void SchemaMigrated(ILogger logger, string path, int from, int to);

    [LoggerMessage(2006, LogLevel.Debug, "Ignored {Transition} of job item {ItemId}: it is no longer running (its lease ran out and it was taken over, or it already ended)")]
    public static partial void ItemTransitionIgnored(ILogger logger, string transition, long itemId);

    [LoggerMessage(2007, LogLevel.Information, "Cancelled job {JobId}: {Items} items will not run")]
    public static partial void JobCancelled(ILogger logger, string jobId, int items);
}
