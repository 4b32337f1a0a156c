using Microsoft.Extensions.Logging;

namespace Verity.Llm;

/// <summary>Event ids 7001-7099. Reasons are short texts built here (status codes, timeouts), never keys, prompts or
/// response bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Warning, "{Endpoint} ({Model}) attempt {Attempt} failed: {Reason}; retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string endpoint, string model, int attempt, string reason, long delayMs);

    [LoggerMessage(7002, LogLevel.Warning, "Circuit of {Endpoint} ({Model}) opened for {BreakSeconds} s after: {Reason}")]
    public static partial void CircuitOpened(ILogger logger, string endpoint, string model, double breakSeconds, string reason);

    [LoggerMessage(7003, LogLevel.Information, "Circuit of {Endpoint} ({Model}) is half-open: the next call probes the endpoint")]
    public static partial void CircuitHalfOpened(ILogger logger, string endpoint, string model);

    [LoggerMessage(7004, LogLevel.Information, "Circuit of {Endpoint} ({Model}) closed: the endpoint answers again")]
    public static partial void CircuitClosed(ILogger logger, string endpoint, string model);

    [LoggerMessage(7005, LogLevel.Warning, "{Endpoint} ({Model}) is unavailable: {Reason}")]
    public static partial void Unavailable(ILogger logger, string endpoint, string model, string reason);

    [LoggerMessage(7006, LogLevel.Debug, "{Endpoint} ({Model}) refused a call: its circuit is open")]
    public static partial void Rejected(ILogger logger, string endpoint, string model);

    [LoggerMessage(7007, LogLevel.Warning, "{Endpoint} ({Model}) failed in the middle of a streamed answer after {Updates} updates: {Reason}")]
    public static partial void StreamFailed(ILogger logger, string endpoint, string model, int updates, string reason);

    [LoggerMessage(7020, LogLevel.Warning, "Redis cache unavailable ({Reason}): reads miss and writes are dropped until it is back; {Suppressed} more errors since the last warning")]
    public static partial void RedisUnavailable(ILogger logger, string reason, int suppressed);
}
