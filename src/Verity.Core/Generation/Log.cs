using Microsoft.Extensions.Logging;

namespace Verity.Core.Generation;

internal static partial class Log
{
    [LoggerMessage(1301, LogLevel.Warning, "Generator {Generator} failed{Partial}; falling back: {Reason}")]
    private static partial void GeneratorFailed(ILogger logger, string generator, string partial, string reason);

    public static void GeneratorFailed(ILogger logger, string generator, bool retracted, string reason) =>
        GeneratorFailed(logger, generator, retracted ? " mid-answer (partial text retracted)" : "", reason);
}
