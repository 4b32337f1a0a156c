using System.Diagnostics;
using Microsoft.Extensions.Options;
using Verity.Core.Audit;
using Verity.Core.Security;
using Verity.Server.Security;

namespace Verity.Server.Audit;

/// <summary>
/// Writes one audit record per request to an audited endpoint once the response is complete, whatever its status:
/// refusals by authorization or the rate limiter, malformed bodies and errors included. It runs outside the
/// exception handler so it sees the final status code. Requests without an authenticated caller (401) have no tenant
/// to belong to and are not recorded. Nothing from the request headers (tokens, API keys) is ever recorded: of a key,
/// only its id, which the authentication handler put in a claim.
/// </summary>
internal sealed partial class AuditMiddleware(
    RequestDelegate next, IAuditLog log, IOptions<AuditOptions> options, ILogger<AuditMiddleware> logger)
{
    /// <summary>Longest query or document id stored as text; a longer (hence refused) input is cut here.</summary>
    internal const int MaxTextLength = 4096;

    public async Task InvokeAsync(HttpContext context)
    {
        // Routing has already chosen the endpoint; the exception handler clears it and the route values later, so
        // keep them now (a request refused before its handler runs still names its document or key).
        var audited = context.GetEndpoint()?.Metadata.GetMetadata<AuditedEndpoint>();
        if (audited is null)
        {
            await next(context);
            return;
        }

        var routeId = context.Request.RouteValues.TryGetValue("id", out var id) ? id as string : null;
        // Read now, in the request's own activity: the trace id X-Trace-Id carries (taken at the same point).
        var traceId = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : null;

        var at = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        var completed = false;
        try
        {
            await next(context);
            completed = true;
        }
        finally
        {
            var status = completed ? context.Response.StatusCode : StatusCodes.Status500InternalServerError;
            await RecordAsync(context, audited.Action, routeId, traceId, at, Stopwatch.GetElapsedTime(started).TotalMilliseconds, status);
        }
    }

    private async Task RecordAsync(
        HttpContext context, string action, string? routeId, string? traceId, DateTimeOffset at, double latencyMs, int status)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return;
        }

        try
        {
            var caller = Caller.Of(context);
            var audit = context.RequestServices.GetRequiredService<AuditContext>();
            var query = audit.Query;
            // A key action's route names a key, not a document. Only a well-formed id is kept from it: a whole key
            // pasted into the URL by mistake must not leave its secret in the log.
            var (documentId, apiKeyId) = AuditActions.AddressesApiKey(action)
                ? (audit.DocumentId, audit.ApiKeyId ?? (ApiKeys.IsValidId(routeId) ? routeId : null))
                : (audit.DocumentId ?? routeId, ApiKeyAuthenticationHandler.KeyIdOf(context.User));
            if (query is not null)
            {
                query = options.Value.HashQueries ? AuditRecord.Hash(query) : Truncate(query);
            }

            await log.AppendAsync(
                new AuditRecord
                {
                    TenantId = caller.TenantId,
                    UserId = caller.UserId,
                    At = at,
                    Action = action,
                    Query = query,
                    ChunkIds = audit.ChunkIds ?? [],
                    AnswerHash = audit.AnswerHash,
                    DocumentId = documentId is null ? null : Truncate(documentId),
                    LatencyMs = latencyMs,
                    Outcome = AuditOutcomes.FromStatusCode(status),
                    StatusCode = status,
                    Guardrails = [.. audit.Guardrails],
                    TraceId = traceId,
                    Generator = audit.Generator,
                    Degraded = audit.Degraded,
                    Cached = audit.Cached,
                    ApiKeyId = apiKeyId,
                },
                // The response is sent: the record is written even when the client has gone away.
                CancellationToken.None);
        }
        catch (Exception e)
        {
            // The response has been sent; a failed audit write is an operator's problem, not the caller's.
            LogAuditWriteFailed(logger, action, status, e);
        }
    }

    private static string Truncate(string text) =>
        text.Length <= MaxTextLength ? text : text[..(char.IsHighSurrogate(text[MaxTextLength - 1]) ? MaxTextLength - 1 : MaxTextLength)];

    [LoggerMessage(3101, LogLevel.Error, "Could not write the audit record of a {Action} request (status {Status})")]
    private static partial void LogAuditWriteFailed(ILogger logger, string action, int status, Exception exception);
}
