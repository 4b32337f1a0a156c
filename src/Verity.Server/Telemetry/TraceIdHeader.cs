using System.Diagnostics;

namespace Verity.Server.Telemetry;

/// <summary>Gives every response the W3C trace id of its request, so a caller who reports a bad answer hands the
/// on-call engineer the key to its trace and its log lines. ProblemDetails bodies carry the same id as
/// <c>trace_id</c>.</summary>
public static class TraceIdHeader
{
    public const string Name = "X-Trace-Id";

    /// <summary>The request's trace id: that of its server span (which continues a caller's <c>traceparent</c>), else
    /// the connection-level request id when nothing listens for activities.</summary>
    public static string Of(HttpContext context) => Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;

    /// <summary>First in the pipeline: the header is added when the response starts, so it survives the exception
    /// handler (which clears headers) and reaches streamed responses too.</summary>
    public static IApplicationBuilder UseTraceIdHeader(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var traceId = Of(context);
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Name] = traceId;
            return Task.CompletedTask;
        });
        return next(context);
    });
}
