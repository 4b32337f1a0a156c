using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Verity.Core.Connectors;
using Verity.Core.Jobs;
using Verity.Server.Contracts;
using Verity.Server.Infrastructure;
using Verity.Server.Security;

namespace Verity.Server.Endpoints;

/// <summary>Starts a crawl: the site is read now (robots.txt, sitemap, links; conditional requests against the stored
/// ETags), what changed becomes a job, and the response carries the job to watch.</summary>
public static class CrawlEndpoint
{
    public static async Task<Results<Accepted<CrawlResponse>, ValidationProblem, ProblemHttpResult>> CrawlAsync(
        CrawlRequestBody body, IngestionJobs jobs, IOptions<CrawlOptions> crawlOptions, ILoggerFactory loggers,
        HttpContext context, CancellationToken cancellationToken)
    {
        var options = crawlOptions.Value;
        var errors = new Dictionary<string, string[]>();
        var seed = ParseUrl(body.Url, "url", errors);
        var sitemap = ParseUrl(body.Sitemap, "sitemap", errors);
        if (seed is null && sitemap is null && errors.Count == 0)
        {
            errors["url"] = ["Give the url of a start page, a sitemap, or both."];
        }

        if (body.MaxPages is < 1 || body.MaxPages > options.MaxPages)
        {
            errors["max_pages"] = [$"max_pages must be between 1 and {options.MaxPages} (Verity:Crawl:MaxPages)."];
        }

        if (body.MaxDepth is < 0 || body.MaxDepth > options.MaxDepth)
        {
            errors["max_depth"] = [$"max_depth must be between 0 and {options.MaxDepth} (Verity:Crawl:MaxDepth)."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid crawl");
        }

        var target = (seed ?? sitemap)!;
        if (!options.Allows(target))
        {
            return TypedResults.Problem(
                $"The host '{target.Authority}' is not in Verity:Crawl:AllowedHosts; the server crawls only hosts its operator listed.",
                statusCode: StatusCodes.Status403Forbidden, title: "Host not allowed");
        }

        using var http = WebCrawler.CreateHttpClient();
        var crawler = new WebCrawler(
            new WebCrawlerOptions
            {
                Seed = seed,
                Sitemap = sitemap,
                MaxPages = body.MaxPages ?? options.MaxPages,
                MaxDepth = body.MaxDepth ?? options.MaxDepth,
                PathPrefix = body.PathPrefix,
                Delay = options.Delay,
            },
            http,
            loggers.CreateLogger<WebCrawler>());
        var caller = Caller.Of(context);
        var (job, scan) = await jobs.EnqueueScanAsync(crawler, caller.TenantId, caller.UserId, null, cancellationToken);
        return TypedResults.Accepted(
            $"/v1/ingest/jobs/{job.Id}",
            new CrawlResponse(job.ToDto(), scan.Unchanged, scan.Failures.Select(f => new RejectedFileDto(f.Locator, f.Reason)).ToList()));
    }

    private static Uri? ParseUrl(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors[field] = [$"{field} must be an absolute http or https URL."];
            return null;
        }

        return url;
    }
}
