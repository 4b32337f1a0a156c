using Microsoft.AspNetCore.Http.HttpResults;
using Verity.Server.Telemetry;

namespace Verity.Server.Endpoints;

/// <summary>Probes for orchestrators and load balancers; unauthenticated, so they say nothing about any tenant.
/// Served by API processes and, with <c>--urls</c>, by workers.</summary>
public static class HealthEndpoints
{
    public sealed record HealthBody(string Status);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Live)
            .WithName("Liveness").WithSummary("The process is up (checks nothing else: restart it only when this fails).").WithTags("Health");
        app.MapGet("/readyz", ReadyAsync)
            .WithName("Readiness")
            .WithSummary("The store and the job queue answer: 200 ready or degraded (a model circuit is open; answers still flow), 503 unavailable.")
            .WithTags("Health");
        return app;
    }

    public static Ok<HealthBody> Live() => TypedResults.Ok(new HealthBody("alive"));

    public static async Task<Results<Ok<ReadinessReport>, JsonHttpResult<ReadinessReport>>> ReadyAsync(
        IServiceProvider services, HttpContext context, CancellationToken cancellationToken)
    {
        var report = await ReadinessChecks.RunAsync(services, cancellationToken);
        // Probe responses must never be served from a cache between the orchestrator and the process.
        context.Response.Headers.CacheControl = "no-store";
        return report.Status == ReadinessChecks.Unavailable
            ? TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(report);
    }
}
