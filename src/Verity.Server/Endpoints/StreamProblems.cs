using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Verity.Core;

namespace Verity.Server.Endpoints;

/// <summary>
/// A failure after a streamed response has started cannot change the status code any more; it is reported inside the
/// stream as a ProblemDetails-shaped object, mapped the way the exception handler maps errors before a response.
/// Unexpected errors are logged and described without their internals.
/// </summary>
internal static partial class StreamProblems
{
    public static ProblemDetails For(Exception error, HttpContext context)
    {
        var (status, title, detail) = error switch
        {
            InvalidRequestException e => (StatusCodes.Status400BadRequest, "Invalid request", e.Message),
            ModelUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "Model unavailable", e.Message),
            StoreUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "Index unavailable", e.Message),
            VerityException { IsTransient: true } e => (StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable", e.Message),
            _ => (StatusCodes.Status500InternalServerError, "Internal error",
                "An unexpected error occurred while the answer was streamed. The trace id identifies it in the server log."),
        };

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StreamProblems));
        LogStreamFailed(logger, context.Request.Path, status, error);
        return new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Extensions = { ["trace_id"] = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier },
        };
    }

    [LoggerMessage(3401, LogLevel.Error, "The answer stream of {Path} failed after it started (reported as {Status})")]
    private static partial void LogStreamFailed(ILogger logger, string path, int status, Exception exception);
}
