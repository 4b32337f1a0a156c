using Microsoft.AspNetCore.Http.HttpResults;
using Verity.Core.Caching;
using Verity.Core.Generation;
using Verity.Llm;
using Verity.Server.Security;

namespace Verity.Server.Endpoints;

/// <summary>What an operator needs to judge the answer path at a glance: which generators answer in which order,
/// the circuit state of every model endpoint, and the caches' hit ratios. Admins only: endpoint URLs are
/// infrastructure detail (keys are never part of it).</summary>
public static class StatusEndpoints
{
    public sealed record StatusBody(string Chain, IReadOnlyList<ModelEndpointStatus> Models, string Cache, IReadOnlyList<CacheStatusDto> Caches);

    public sealed record CacheStatusDto(string Cache, long Hits, long Misses, double HitRatio);

    public static IEndpointRouteBuilder MapStatusEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/status", Status)
            .WithName("Status")
            .WithSummary("The generation chain, model endpoint circuits and cache hit ratios.")
            .WithTags("Operations")
            .RequireAuthorization(AuthSetup.AdminPolicy);
        return app;
    }

    public static Ok<StatusBody> Status(GenerationChain chain, IVerityCache cache, CacheStatistics statistics, IServiceProvider services)
    {
        // Without a configured model there are no endpoints to report.
        var models = services.GetService<ModelEndpoints>()?.GetStatus() ?? [];
        return TypedResults.Ok(new StatusBody(
            chain.Fingerprint,
            models,
            cache.Kind,
            [.. statistics.Snapshot().Select(c => new CacheStatusDto(c.Cache, c.Hits, c.Misses, Math.Round(c.HitRatio, 4)))]));
    }
}
