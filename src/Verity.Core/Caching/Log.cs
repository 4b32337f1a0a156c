using Microsoft.Extensions.Logging;

namespace Verity.Core.Caching;

internal static partial class Log
{
    [LoggerMessage(1401, LogLevel.Warning, "Reading the {Cache} cache failed; treating it as a miss")]
    public static partial void CacheReadFailed(ILogger logger, string cache, Exception exception);

    [LoggerMessage(1402, LogLevel.Warning, "Writing to the {Cache} cache failed; the entry was dropped")]
    public static partial void CacheWriteFailed(ILogger logger, string cache, Exception exception);

    [LoggerMessage(1403, LogLevel.Warning, "An entry of the {Cache} cache could not be read as {Type}; treating it as a miss")]
    public static partial void CacheEntryUnreadable(ILogger logger, string cache, string type, Exception exception);
}
