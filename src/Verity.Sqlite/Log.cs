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
}
