using System.ComponentModel.DataAnnotations;

namespace Verity.Server.Infrastructure;

/// <summary>Bound from <c>Verity:Crawl</c>: what <c>POST /v1/ingest/crawls</c> may reach. A crawl makes the server
/// fetch URLs on a caller's behalf, so only the listed hosts can be crawled (nothing, until some are listed).</summary>
public sealed class CrawlOptions
{
    /// <summary>Host names (or <c>host:port</c>) that may be crawled.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Upper bound on a crawl's page count, whatever the request asks for.</summary>
    [Range(1, 100_000)]
    public int MaxPages { get; set; } = 1000;

    [Range(0, 50)]
    public int MaxDepth { get; set; } = 5;

    /// <summary>Pause between two requests to the crawled site.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(250);

    public bool Allows(Uri url) => AllowedHosts.Any(h =>
        string.Equals(h, url.Host, StringComparison.OrdinalIgnoreCase)
        || string.Equals(h, url.Authority, StringComparison.OrdinalIgnoreCase));
}
