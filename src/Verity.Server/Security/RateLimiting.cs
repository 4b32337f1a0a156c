using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Verity.Server.Security;

public static class RateLimiting
{
    private enum BudgetKind
    {
        None,
        Query,
        Ingest,
    }

    /// <summary>Token buckets per (budget, tenant) and per (budget, tenant, user), chained: a request needs a token
    /// from both. Refused requests get 429 with Retry-After and a ProblemDetails body.</summary>
    public static IServiceCollection AddVerityRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new RateLimitOptions();
        configuration.GetSection("Verity:RateLimits").Bind(options);
        if (!options.Enabled)
        {
            return services;
        }

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, options, perUser: false)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, options, perUser: true)));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var response = rejected.HttpContext.Response;
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = rejected.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"The rate limit for this budget is exhausted; retry after {seconds} s (Verity:RateLimits).",
                    },
                });
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitOptions options, bool perUser)
    {
        var kind = KindOf(context.Request);
        if (kind == BudgetKind.None || context.User.Identity?.IsAuthenticated != true)
        {
            // Unauthenticated requests are refused by authorization before they cost anything.
            return RateLimitPartition.GetNoLimiter("free");
        }

        var caller = Caller.Of(context);
        var budget = kind == BudgetKind.Query ? options.Query : options.Ingest;
        var perMinute = perUser ? budget.PerUserPerMinute : budget.PerTenantPerMinute;
        var key = perUser ? $"{kind}|{caller.TenantId}|{caller.UserId}" : $"{kind}|{caller.TenantId}";
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = Math.Max(1, (int)Math.Ceiling(perMinute / 60.0)),
            ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, 60.0 / perMinute)),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static BudgetKind KindOf(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        if (path.StartsWith("/v1/chat", StringComparison.Ordinal) || path.StartsWith("/v1/search", StringComparison.Ordinal))
        {
            return BudgetKind.Query;
        }

        return path.StartsWith("/v1/documents", StringComparison.Ordinal) && !HttpMethods.IsGet(request.Method)
            ? BudgetKind.Ingest
            : BudgetKind.None;
    }
}
