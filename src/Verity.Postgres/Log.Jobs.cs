using Microsoft.Extensions.Logging;

namespace Verity.Postgres;

internal static partial class Log
{
    [LoggerMessage(2130, LogLevel.Debug, "Created job {JobId} of tenant {TenantId} with {Items} items")]
    public static partial void JobCreated(ILogger logger, string jobId, string tenantId, int items);

    [LoggerMessage(2131, LogLevel.Information, "Took over job item {ItemId} (attempt {Attempt}): the lease of {PreviousOwner} ran out")]
    public static partial void LeaseTakenOver(ILogger logger, long itemId, int attempt, string previousOwner);

    [LoggerMessage(2132, LogLevel.Warning, "Lost the job notification channel; workers poll until it is back")]
    public static partial void ListenFailed(ILogger logger, Exception exception);
}
