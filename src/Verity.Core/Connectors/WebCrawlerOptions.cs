using Verity.Core.Security;
using Formats = Verity.Core.Documents.MediaTypes;

namespace Verity.Core.Connectors;

/// <summary>What a <see cref="WebCrawler"/> crawls, how far and how politely.</summary>
public sealed record WebCrawlerOptions
{
    /// <summary>The page the crawl starts from; its scheme, host and port are the only ones the crawler requests.</summary>
    public Uri? Seed { get; init; }

    /// <summary>A sitemap (or sitemap index) whose pages are crawled as well as, or instead of, the seed's links.
    /// Without it, the <c>Sitemap:</c> lines of robots.txt are used.</summary>
    public Uri? Sitemap { get; init; }

    /// <summary>Links followed from the seed (or a sitemap's pages, which are at depth 0); 0 fetches those alone.</summary>
    public int MaxDepth { get; init; } = 5;

    /// <summary>Page requests per crawl (robots.txt and sitemaps not counted).</summary>
    public int MaxPages { get; init; } = 1000;

    /// <summary>A page larger than this is reported as a failure rather than downloaded.</summary>
    public long MaxBytesPerPage { get; init; } = 10 * 1024 * 1024;

    /// <summary>Only paths starting with this (e.g. <c>/docs/</c>) are crawled; null for the whole site.</summary>
    public string? PathPrefix { get; init; }

    /// <summary>Sent with every request; its product token (before the '/') selects the robots.txt group.</summary>
    public string UserAgent { get; init; } = "VerityBot/1.0";

    /// <summary>Pause between two requests. A robots.txt <c>Crawl-delay</c> lengthens it, up to
    /// <see cref="MaxCrawlDelay"/>.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxCrawlDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time for one response, headers and body.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sitemap files read per crawl (a sitemap index may name many).</summary>
    public int MaxSitemaps { get; init; } = 50;

    /// <summary>Content types that become documents; others are counted as ignored without being downloaded.</summary>
    public IReadOnlyCollection<string> MediaTypes { get; init; } = DefaultMediaTypes;

    /// <summary>Who may read the crawled pages; null for everyone in the tenant.</summary>
    public DocumentAcl? Acl { get; init; }

    public static IReadOnlyList<string> DefaultMediaTypes { get; } =
    [
        Formats.Html, Formats.PlainText, Formats.Markdown, Formats.Csv, Formats.Json, Formats.JsonLines, Formats.Pdf,
        Formats.Docx, Formats.Pptx, Formats.Xlsx,
    ];

    internal void Validate()
    {
        if (Seed is null && Sitemap is null)
        {
            throw new InvalidRequestException("A crawl needs a seed URL or a sitemap URL.", "seed");
        }

        Check(Seed, "seed");
        Check(Sitemap, "sitemap");
        if (Seed is not null && Sitemap is not null && !CrawlUrl.SameOrigin(Seed, Sitemap))
        {
            throw new InvalidRequestException("The sitemap must be on the seed's site (same scheme, host and port).", "sitemap");
        }

        if (PathPrefix is not null && !PathPrefix.StartsWith('/'))
        {
            throw new InvalidRequestException("The path prefix must start with '/'.", "pathPrefix");
        }

        if (MaxDepth < 0 || MaxPages < 1 || MaxSitemaps < 0 || MaxBytesPerPage < 1)
        {
            throw new InvalidRequestException("The depth must not be negative, and the page, sitemap and size limits must be positive.", "maxPages");
        }

        if (string.IsNullOrWhiteSpace(UserAgent) || string.IsNullOrEmpty(RobotsTxt.ProductToken(UserAgent)))
        {
            throw new InvalidRequestException("The user agent must start with a product token, like VerityBot/1.0.", "userAgent");
        }

        if (Delay < TimeSpan.Zero || MaxCrawlDelay < TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            throw new InvalidRequestException("Delays must not be negative and the request timeout must be positive.", "delay");
        }
    }

    private static void Check(Uri? url, string field)
    {
        if (url is not null && CrawlUrl.Normalize(url) is null)
        {
            throw new InvalidRequestException($"The {field} must be an absolute http or https URL.", field);
        }
    }
}
