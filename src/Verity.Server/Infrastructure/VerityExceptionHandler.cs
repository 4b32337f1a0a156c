using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Verity.Core;

namespace Verity.Server.Infrastructure;

/// <summary>Maps domain errors and bad requests to ProblemDetails; anything unexpected becomes a 500 whose body
/// says nothing about the internals.</summary>
internal sealed partial class VerityExceptionHandler(IProblemDetailsService problems, ILogger<VerityExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail, errors) = exception switch
        {
            InvalidRequestException e => (400, "Invalid request", e.Message, e.Field is null ? null : new Dictionary<string, string[]> { [e.Field] = [e.Message] }),
            Verity.Core.Guardrails.GuardrailRejectedException e => (400, "Refused by guardrails", e.Message, new Dictionary<string, string[]> { ["question"] = [.. e.Decision.RuleIds()] }),
            ResourceNotFoundException e => (404, "Not found", e.Message, null),
            DocumentRejectedException e => (422, "Document rejected", e.Reason, null),
            StoreUnavailableException e => (503, "Index unavailable", e.Message, null),
            ModelUnavailableException e => (503, "Model unavailable", e.Message, null),
            Verity.Core.Jobs.QueueFullException e => (503, "Ingestion queue full", e.Message, null),
            BadHttpRequestException e => (e.StatusCode, TitleFor(e.StatusCode), DetailFor(e), null),
            _ => (500, "Internal error", "An unexpected error occurred. The trace id identifies it in the server log.", (Dictionary<string, string[]>?)null),
        };

        if (exception is Verity.Core.Guardrails.GuardrailRejectedException rejected
            && context.RequestServices.GetService<Verity.Server.Audit.AuditContext>() is { } audit)
        {
            foreach (var rule in rejected.Decision.RuleIds())
            {
                audit.Guardrails.Add("blocked:" + rule);
            }
        }

        if (status >= 500)
        {
            LogUnhandled(logger, context.Request.Method, context.Request.Path, exception);
        }

        if (exception is StoreUnavailableException { IsTransient: true } or ModelUnavailableException)
        {
            context.Response.Headers.RetryAfter = "1";
        }
        else if (exception is Verity.Core.Jobs.QueueFullException full)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(full.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = status;
        var problem = errors is null
            ? new ProblemDetails { Status = status, Title = title, Detail = detail }
            : new HttpValidationProblemDetails(errors) { Status = status, Title = title, Detail = detail };
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static string TitleFor(int status) => status switch
    {
        413 => "Request too large",
        415 => "Unsupported media type",
        _ => "Bad request",
    };

    // The JSON reader's message says where the body broke (line, position, path) without revealing anything else.
    private static string DetailFor(BadHttpRequestException e) => e.StatusCode switch
    {
        413 => "The request body is larger than the server accepts (Verity:Server:MaxRequestBodyBytes).",
        _ when e.InnerException is System.Text.Json.JsonException json => "The request body is not valid JSON: " + json.Message,
        _ => e.Message,
    };

    [LoggerMessage(3001, LogLevel.Error, "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
