using Microsoft.AspNetCore.Http.HttpResults;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Server.Endpoints;

public static class HealthEndpoints
{
    public sealed record HealthBody(string Status, string? Detail = null, int? Documents = null, int? Chunks = null, string? EmbeddingModel = null);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthBody("alive")))
            .WithName("Liveness").WithSummary("The process is up.").WithTags("Health");
        app.MapGet("/readyz", ReadyAsync)
            .WithName("Readiness").WithSummary("The index answers; 503 when it does not.").WithTags("Health");
        return app;
    }

    public static async Task<Results<Ok<HealthBody>, JsonHttpResult<HealthBody>>> ReadyAsync(
        IIndexStore store, CancellationToken cancellationToken)
    {
        try
        {
            await store.CheckHealthAsync(cancellationToken);
            // Unauthenticated: says whether the index answers, never what any tenant holds.
            var stats = await store.GetStatisticsAsync(Tenants.Default, cancellationToken);
            return TypedResults.Ok(new HealthBody("ready", null, null, null, stats.Generation.EmbeddingModel));
        }
        catch (Exception e) when (e is VerityException or InvalidOperationException)
        {
            return TypedResults.Json(new HealthBody("unavailable", "The index store does not answer."), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
