using Microsoft.Extensions.Logging;

namespace Verity.Core.Connectors;

internal static partial class Log
{
    [LoggerMessage(1201, LogLevel.Information, "Scanned {Root}: {Files} files, {Items} items, {Unchanged} unchanged, {Ignored} ignored, {Failed} failed in {ElapsedMs} ms")]
    public static partial void FolderScanned(ILogger logger, string root, int files, int items, int unchanged, int ignored, int failed, long elapsedMs);

    [LoggerMessage(1202, LogLevel.Warning, "Could not scan {Locator}: {Reason}")]
    public static partial void EntryFailed(ILogger logger, string locator, string reason);

    [LoggerMessage(1203, LogLevel.Warning, "The watcher of {Root} lost events; the next scan compares the whole tree")]
    public static partial void WatcherOverflow(ILogger logger, string root, Exception exception);

    [LoggerMessage(1204, LogLevel.Error, "Handling changes in {Root} failed")]
    public static partial void WatchCallbackFailed(ILogger logger, string root, Exception exception);

    [LoggerMessage(1205, LogLevel.Information, "Crawled {Source}: {Requests} requests, {Items} items, {Unchanged} unchanged, {Ignored} ignored, {Failed} failed, complete: {Complete}, in {ElapsedMs} ms")]
    public static partial void CrawlCompleted(ILogger logger, string source, int requests, int items, int unchanged, int ignored, int failed, bool complete, long elapsedMs);

    [LoggerMessage(1206, LogLevel.Warning, "robots.txt of {Origin} could not be read ({Reason}); nothing is crawled")]
    public static partial void RobotsUnavailable(ILogger logger, string origin, string reason);

    [LoggerMessage(1207, LogLevel.Information, "Crawl of {Source} stopped at a limit ({Limit}); pages it did not reach are kept")]
    public static partial void CrawlLimitReached(ILogger logger, string source, string limit);
}
