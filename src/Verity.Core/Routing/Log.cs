using Microsoft.Extensions.Logging;

namespace Verity.Core.Routing;

internal static partial class Log
{
    [LoggerMessage(1501, LogLevel.Warning, "Model {Model} could not condense the question; using the extractive condenser")]
    public static partial void CondenserModelFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(1502, LogLevel.Information, "Model {Model} returned an unusable condensed query ({Reason}); using the extractive condenser")]
    public static partial void CondenserReplyRejected(ILogger logger, string model, string reason);
}
