using System.Text;

namespace Verity.Core.Connectors;

/// <summary>The parts of a crawl before its pages: robots.txt, sitemaps, and the pacing of every request.</summary>
internal sealed partial class CrawlRun
{
    private const int MaxRobotsBytes = 512 * 1024;
    private const int MaxRobotsRedirects = 5;

    /// <summary>Reads robots.txt: a 2xx answer is parsed, a 4xx means no rules (everything allowed), anything else
    /// (5xx, 429, no answer, a redirect off the site) forbids the whole crawl and makes it incomplete, as RFC 9309
    /// asks: the site may have meant to forbid crawling, and nothing known may be deleted on its account.</summary>
    /// <returns>False when robots.txt could not be read.</returns>
    private async Task<bool> LoadRobotsAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(crawler.Origin, "/robots.txt");
        for (var redirects = 0; ; redirects++)
        {
            var response = await GetAsync(url, null, _ => true, MaxRobotsBytes, truncate: true, cancellationToken).ConfigureAwait(false);
            string? problem;
            switch (response.Status)
            {
                case >= 200 and < 300 when response.Body is { } body:
                    _robots = RobotsTxt.Parse(Encoding.UTF8.GetString(body), _options.UserAgent);
                    return true;
                case 301 or 302 or 303 or 307 or 308 when response.Location is { } location
                    && CrawlUrl.Normalize(location) is { } target && CrawlUrl.SameOrigin(target, crawler.Origin) && redirects < MaxRobotsRedirects:
                    url = target;
                    continue;
                case 429:
                    problem = "the server answered 429 Too Many Requests";
                    break;
                case >= 400 and < 500:
                    return true;
                case 0:
                    problem = response.Error;
                    break;
                default:
                    problem = $"the server answered {response.Status}";
                    break;
            }

            Log.RobotsUnavailable(crawler.Logger, CrawlUrl.Origin(crawler.Origin), problem ?? "");
            _robots = RobotsTxt.DisallowAll;
            Fail(new Uri(crawler.Origin, "/robots.txt").AbsoluteUri,
                $"robots.txt could not be read ({problem?.TrimEnd('.')}); nothing was crawled, because a site whose robots.txt " +
                "cannot be read is treated as closed to crawlers. The next crawl tries again.", incomplete: true);
            return false;
        }
    }

    /// <summary>Queues the pages of the configured sitemap, or of robots.txt's sitemaps when none is configured,
    /// following sitemap indexes. Sitemaps and their pages off the site are skipped; a sitemap that cannot be read
    /// is a failure and makes the crawl incomplete.</summary>
    private async Task LoadSitemapsAsync(CancellationToken cancellationToken)
    {
        var pending = new Queue<Uri>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var declared = _options.Sitemap is { } configured ? [configured.AbsoluteUri] : _robots.Sitemaps;
        foreach (var text in declared)
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && CrawlUrl.Normalize(parsed) is { } url
                && CrawlUrl.SameOrigin(url, crawler.Origin) && seen.Add(url.AbsoluteUri))
            {
                pending.Enqueue(url);
            }
        }

        var read = 0;
        while (pending.TryDequeue(out var sitemap))
        {
            if (read >= _options.MaxSitemaps)
            {
                _limit ??= $"MaxSitemaps = {_options.MaxSitemaps}";
                return;
            }

            if (!_robots.IsAllowed(sitemap))
            {
                Fail(sitemap.AbsoluteUri, $"robots.txt does not allow {crawler.ProductToken} to fetch this sitemap.", incomplete: true);
                continue;
            }

            read++;
            var response = await GetAsync(sitemap, null, _ => true, SitemapParser.MaxBytes, truncate: false, cancellationToken)
                .ConfigureAwait(false);
            if (response.Status is 301 or 302 or 303 or 307 or 308 && response.Location is { } location
                && CrawlUrl.Normalize(location) is { } target && CrawlUrl.SameOrigin(target, crawler.Origin))
            {
                if (seen.Add(target.AbsoluteUri))
                {
                    pending.Enqueue(target);
                }

                continue;
            }

            if (response.Body is not { } body || response.Error is not null)
            {
                Fail(sitemap.AbsoluteUri, "The sitemap could not be read: " + (response.Error ?? $"the server answered {response.Status}."), incomplete: true);
                continue;
            }

            SitemapContent content;
            try
            {
                content = SitemapParser.Parse(body);
            }
            catch (InvalidDataException e)
            {
                Fail(sitemap.AbsoluteUri, e.Message, incomplete: true);
                continue;
            }

            foreach (var page in content.Pages)
            {
                if (Uri.TryCreate(page, UriKind.Absolute, out var parsed) && CrawlUrl.Normalize(parsed) is { } url)
                {
                    Enqueue(url, 0);
                }
            }

            foreach (var child in content.Sitemaps)
            {
                if (Uri.TryCreate(child, UriKind.Absolute, out var parsed) && CrawlUrl.Normalize(parsed) is { } url
                    && CrawlUrl.SameOrigin(url, crawler.Origin) && seen.Add(url.AbsoluteUri))
                {
                    pending.Enqueue(url);
                }
            }
        }
    }

    /// <summary>Every request goes through here, so the politeness delay lies between any two of them.</summary>
    private async Task<CrawlResponse> GetAsync(
        Uri url, CrawlCheckpointEntry? conditional, Func<string?, bool> wantsBody, long maxBytes, bool truncate,
        CancellationToken cancellationToken)
    {
        if (_requested && _delay > TimeSpan.Zero)
        {
            await Task.Delay(_delay, cancellationToken).ConfigureAwait(false);
        }

        _requested = true;
        cancellationToken.ThrowIfCancellationRequested();
        return await crawler.Fetcher.GetAsync(url, conditional, wantsBody, maxBytes, truncate, cancellationToken).ConfigureAwait(false);
    }
}
