using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Server.Audit;
using Verity.Server.Contracts;
using Verity.Server.Security;

namespace Verity.Server.Endpoints;

/// <summary>The audit log of the caller's own tenant, for admins: paged JSON, or a JSON-lines export.</summary>
public static class AuditEndpoints
{
    public const string NdjsonContentType = "application/x-ndjson";
    private const int ExportPageSize = 1000;
    private static readonly byte[] Newline = "\n"u8.ToArray();

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/audit").WithTags("Audit").RequireAuthorization(AuthSetup.AdminPolicy);
        group.MapGet("/", QueryAuditAsync)
            .WithName("QueryAudit")
            .WithSummary("Audit records of the caller's tenant, newest first, a page at a time (admin).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/export", ExportAudit)
            .WithName("ExportAudit")
            .WithSummary("Audit records of the caller's tenant in a time range, oldest first, as JSON lines (admin).")
            .Produces(StatusCodes.Status200OK, contentType: NdjsonContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<Ok<AuditPageResponse>> QueryAuditAsync(
        IAuditLog log, HttpContext context, CancellationToken cancellationToken,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? user = null, string? action = null,
        int? limit = null, string? after = null)
    {
        if (limit is < 1 or > 1000)
        {
            throw new InvalidRequestException("limit must be between 1 and 1000.", "limit");
        }

        var query = Query(context, from, to, user, action) with { Limit = limit ?? 100, After = after, NewestFirst = true };
        var page = await log.QueryAsync(query, cancellationToken);
        return TypedResults.Ok(new AuditPageResponse(page.Records.Select(AuditRecordDto.From).ToList(), page.Next));
    }

    public static PushStreamHttpResult ExportAudit(
        IAuditLog log, IOptions<JsonOptions> json, HttpContext context,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? user = null, string? action = null)
    {
        // Validated before the first byte is sent, so a bad request still gets a ProblemDetails 400.
        var query = Query(context, from, to, user, action) with { Limit = ExportPageSize };
        var options = json.Value.SerializerOptions;
        var cancellationToken = context.RequestAborted;
        return TypedResults.Stream(
            async stream =>
            {
                string? after = null;
                do
                {
                    var page = await log.QueryAsync(query with { After = after }, cancellationToken);
                    foreach (var record in page.Records)
                    {
                        await JsonSerializer.SerializeAsync(stream, AuditRecordDto.From(record), options, cancellationToken);
                        await stream.WriteAsync(Newline, cancellationToken);
                    }

                    await stream.FlushAsync(cancellationToken);
                    after = page.Next;
                }
                while (after is not null);
            },
            NdjsonContentType + "; charset=utf-8");
    }

    // Always the caller's own tenant: no parameter can name another.
    private static AuditQuery Query(HttpContext context, DateTimeOffset? from, DateTimeOffset? to, string? user, string? action)
    {
        if (from is not null && to is not null && from > to)
        {
            throw new InvalidRequestException("from must not be later than to.", "from");
        }

        if (action is not null && !AuditActions.All.Contains(action))
        {
            throw new InvalidRequestException(
                "action must be one of " + string.Join(", ", AuditActions.All.Order(StringComparer.Ordinal)) + ".", "action");
        }

        return new AuditQuery { TenantId = Caller.Of(context).TenantId, From = from, To = to, UserId = user, Action = action };
    }
}

public static class AuditConventions
{
    /// <summary>Audits the endpoint(s) as <paramref name="action"/> (one of <see cref="AuditActions"/>).</summary>
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action)
        where TBuilder : IEndpointConventionBuilder
    {
        if (!AuditActions.All.Contains(action))
        {
            throw new ArgumentException($"'{action}' is not an audit action.", nameof(action));
        }

        builder.WithMetadata(new AuditedEndpoint(action));
        builder.AddEndpointFilter(new AuditEndpointFilter());
        return builder;
    }
}
