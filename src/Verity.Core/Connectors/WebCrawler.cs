using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Verity.Core.Connectors;

/// <summary>
/// A web site as a source: pages reached from a seed URL and/or listed in sitemaps, on the seed's own origin
/// (scheme, host and port) only, within a depth and page budget, as robots.txt allows. Every URL the crawler requests
/// is on that origin, redirects included, so a crawl cannot be steered at another host. Fetched pages become items
/// that carry their bytes; the checkpoint keeps ETags and Last-Modified dates for conditional re-crawls.
/// See docs/connectors.md for the rules on politeness, robots and deletions.
/// </summary>
public sealed class WebCrawler : ISourceConnector
{
    public WebCrawler(WebCrawlerOptions options, HttpClient httpClient, ILogger<WebCrawler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        options.Validate();
        Options = options;
        var start = CrawlUrl.Normalize(options.Seed ?? options.Sitemap!)!;
        Origin = new Uri(CrawlUrl.Origin(start) + "/");
        PathPrefix = options.PathPrefix is null ? "/" : new Uri(Origin, options.PathPrefix).AbsolutePath;
        if (options.Seed is not null && !InScope(CrawlUrl.Normalize(options.Seed)!))
        {
            throw new InvalidRequestException($"The seed must lie under the path prefix {PathPrefix}.", "pathPrefix");
        }

        Id = "web:" + CrawlUrl.Origin(start) + PathPrefix;
        ProductToken = RobotsTxt.ProductToken(options.UserAgent);
        AcceptedMediaTypes = options.MediaTypes
            .Select(Documents.MediaTypes.Canonical).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Fetcher = new CrawlFetcher(httpClient, options);
        Logger = logger ?? NullLogger<WebCrawler>.Instance;
    }

    /// <summary><c>web:</c>, the origin and the path prefix: <c>web:https://docs.example.com/</c>.</summary>
    public string Id { get; }

    public string Kind => "crawl";

    internal WebCrawlerOptions Options { get; }

    /// <summary>The root of the crawled origin, <c>https://docs.example.com/</c>.</summary>
    internal Uri Origin { get; }

    internal string PathPrefix { get; }

    internal string ProductToken { get; }

    internal HashSet<string> AcceptedMediaTypes { get; }

    internal CrawlFetcher Fetcher { get; }

    internal ILogger Logger { get; }

    /// <summary>An <see cref="HttpClient"/> fit for crawling: it leaves redirects to the crawler (which refuses those
    /// that leave the site) and decompresses responses. The caller owns and disposes it.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        UseCookies = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public Task<SourceScan> ScanAsync(ScanContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CrawlRun(this, context).RunAsync(cancellationToken);
    }

    internal bool InScope(Uri url) =>
        CrawlUrl.SameOrigin(url, Origin) && url.AbsolutePath.StartsWith(PathPrefix, StringComparison.Ordinal);
}
