using System.Text.Json;

namespace Verity.Server.Telemetry;

/// <summary>Console logs of the long-running processes (<c>serve</c>, <c>worker</c>): one JSON object per line with
/// the trace and span ids of the request or job, for a log collector; or plain lines for a terminal.</summary>
public static class LoggingSetup
{
    /// <summary><c>json</c> or <c>text</c>; the default depends on the command (JSON for <c>serve</c> and
    /// <c>worker</c>).</summary>
    public const string FormatKey = "Verity:Logging:Format";

    public const string Json = "json";
    public const string Text = "text";

    public static ILoggingBuilder AddVerityConsole(this ILoggingBuilder logging, IConfiguration configuration, string defaultFormat)
    {
        var format = (configuration[FormatKey] is { Length: > 0 } configured ? configured : defaultFormat).Trim().ToLowerInvariant();
        // The ids of the current activity go into every line's scopes, so one request's lines join its trace.
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        switch (format)
        {
            case Json:
                logging.AddJsonConsole(o =>
                {
                    o.IncludeScopes = true;
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                    o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
                });
                break;
            case Text:
                logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "HH:mm:ss ";
                });
                break;
            default:
                throw new InvalidOperationException($"{FormatKey} must be json or text (got '{configuration[FormatKey]}').");
        }

        return logging;
    }
}
