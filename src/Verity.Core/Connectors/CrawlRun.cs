using System.Diagnostics;
using System.Globalization;
using Verity.Core.Documents;
using Verity.Core.Jobs;

namespace Verity.Core.Connectors;

/// <summary>
/// One crawl, breadth first: robots.txt, then the sitemaps, then pages in the order they were found. Each page that
/// the index knows ends settled one way (an item, a 304, a failure that keeps it, a delete for a definite answer);
/// known pages the crawl did not reach are deleted only when the crawl was complete: no limit cut it short and no
/// failure may have hidden links.
/// </summary>
internal sealed partial class CrawlRun(WebCrawler crawler, ScanContext context)
{
    private readonly WebCrawlerOptions _options = crawler.Options;
    private readonly CrawlCheckpoint _previous = CrawlCheckpoint.Parse(context.Checkpoint);
    private readonly CrawlCheckpoint _next = new();
    private readonly List<NewJobItem> _items = [];
    private readonly List<ScanFailure> _failures = [];
    private readonly HashSet<string> _settled = new(StringComparer.Ordinal);
    private readonly HashSet<string> _enqueued = new(StringComparer.Ordinal);
    private readonly Queue<(Uri Url, int Depth)> _queue = new();
    private RobotsTxt _robots = RobotsTxt.AllowAll;
    private TimeSpan _delay;
    private bool _requested;
    private bool _incomplete;
    private string? _limit;
    private int _pages, _unchanged, _ignored;

    public async Task<SourceScan> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var robotsReadable = await LoadRobotsAsync(cancellationToken).ConfigureAwait(false);
        var crawlDelay = _robots.CrawlDelay is { } asked ? TimeSpan.FromTicks(Math.Min(asked.Ticks, _options.MaxCrawlDelay.Ticks)) : TimeSpan.Zero;
        _delay = crawlDelay > _options.Delay ? crawlDelay : _options.Delay;
        if (_options.Seed is { } seed && CrawlUrl.Normalize(seed) is { } start && !Enqueue(start, 0) && robotsReadable)
        {
            Fail(start.AbsoluteUri, $"robots.txt does not allow {crawler.ProductToken} to fetch the seed URL.", incomplete: true);
        }

        await LoadSitemapsAsync(cancellationToken).ConfigureAwait(false);
        while (_queue.Count > 0)
        {
            if (_pages >= _options.MaxPages)
            {
                _limit ??= $"MaxPages = {_options.MaxPages}";
                break;
            }

            var (url, depth) = _queue.Dequeue();
            await VisitAsync(url, depth, cancellationToken).ConfigureAwait(false);
        }

        SettleUnreached();
        context.Progress?.Report(new ScanProgress(_pages, ""));
        if (_limit is not null)
        {
            Log.CrawlLimitReached(crawler.Logger, crawler.Id, _limit);
        }

        Log.CrawlCompleted(crawler.Logger, crawler.Id, _pages, _items.Count, _unchanged, _ignored, _failures.Count, IsComplete,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new SourceScan(_items, _next.ToJson(), _unchanged, _ignored, _failures);
    }

    private bool IsComplete => _limit is null && !_incomplete;

    private async Task VisitAsync(Uri url, int depth, CancellationToken cancellationToken)
    {
        var id = url.AbsoluteUri;
        var known = context.Known.ContainsKey(id);
        _previous.Pages.TryGetValue(id, out var before);
        var conditional = known && before is { HasValidator: true } ? before : null;
        _pages++;
        context.Progress?.Report(new ScanProgress(_pages, id));
        var response = await GetAsync(url, conditional, t => t is not null && crawler.AcceptedMediaTypes.Contains(t), _options.MaxBytesPerPage, truncate: false, cancellationToken)
            .ConfigureAwait(false);
        switch (response.Status)
        {
            case 0:
                Keep(id, before, response.Error!, depth);
                break;
            case 301 or 302 or 303 or 307 or 308:
                Redirected(url, depth, response, known, before);
                break;
            case 304 when conditional is not null:
                _unchanged++;
                _settled.Add(id);
                _next.Pages[id] = conditional;
                Follow(conditional.Links, depth);
                break;
            case 404 or 410 when _options.Seed is { } seed && CrawlUrl.Normalize(seed)?.AbsoluteUri == id:
                // A seed that is gone more likely means a misconfigured crawl or a broken deploy than an empty site:
                // nothing is deleted on its account.
                Keep(id, before, $"The seed URL answered {response.Status}; check the address. Known pages are kept until it answers again.", depth);
                break;
            case 404 or 410:
                DeleteIfKnown(id, known);
                break;
            case >= 200 and < 300 when response.Error is not null:
                Keep(id, before, response.Error, depth);
                break;
            case >= 200 and < 300:
                Fetched(url, depth, response, known);
                break;
            default:
                Keep(id, before, $"The server answered {response.Status} {response.Reason}.".TrimEnd(' ', '.') + ".", depth);
                break;
        }
    }

    private void Fetched(Uri url, int depth, CrawlResponse response, bool known)
    {
        var id = url.AbsoluteUri;
        if (response.Body is not { } body)
        {
            _ignored++;
            DeleteIfKnown(id, known);
            return;
        }

        var directives = RobotsDirectives.FromHeader(response.RobotsTags, crawler.ProductToken);
        var page = response.MediaType == MediaTypes.Html ? HtmlPage.Parse(body, url, crawler.ProductToken) : null;
        directives = directives.With(page?.Directives ?? RobotsDirectives.None);
        var links = page is null || directives.NoFollow ? [] : page.Links.Where(crawler.InScope).ToList();
        Follow(links.Select(l => l.AbsoluteUri).ToList(), depth);
        Remember(id, new CrawlCheckpointEntry(response.ETag, response.LastModified, links.Count > 0 ? [.. links.Select(l => l.AbsoluteUri)] : null));
        if (directives.NoIndex)
        {
            _ignored++;
            DeleteIfKnown(id, known);
        }
        else if (page?.Canonical is { } canonical && canonical.AbsoluteUri != id && crawler.InScope(canonical) && _robots.IsAllowed(canonical))
        {
            // A duplicate: the content is indexed once, under the URL the site calls canonical.
            DeleteIfKnown(id, known);
            Enqueue(canonical, depth);
        }
        else
        {
            _settled.Add(id);
            _items.Add(new NewJobItem { DocumentId = id, Content = body, Descriptor = Describe(url, response).ToJson() });
        }
    }

    private void Redirected(Uri url, int depth, CrawlResponse response, bool known, CrawlCheckpointEntry? before)
    {
        var id = url.AbsoluteUri;
        var target = response.Location is null ? null : CrawlUrl.Normalize(response.Location);
        if (target is null)
        {
            Keep(id, before, $"The server answered {response.Status} without a usable Location.", depth);
        }
        else if (!CrawlUrl.SameOrigin(target, crawler.Origin))
        {
            // Refused, not followed: the target is on another host. No links are hidden behind it, so the crawl
            // stays complete.
            Keep(id, before, $"The page redirects to {target.AbsoluteUri}, outside {CrawlUrl.Origin(crawler.Origin)}; the crawler follows redirects within the site only.", depth, incomplete: false);
        }
        else
        {
            // A permanent move takes the document with it; a temporary one leaves the known page as it is.
            if (response.Status is 301 or 308)
            {
                DeleteIfKnown(id, known);
            }
            else
            {
                _settled.Add(id);
            }

            Enqueue(target, depth);
        }
    }

    private JobItemDescriptor Describe(Uri url, CrawlResponse response)
    {
        var segment = Uri.UnescapeDataString(url.Segments[^1]).TrimEnd('/');
        var fileName = segment.Contains('.', StringComparison.Ordinal) ? segment : null;
        var fallback = segment.Length == 0 ? url.Host : Path.GetFileNameWithoutExtension(segment);
        DateTimeOffset? modified = DateTimeOffset.TryParseExact(response.LastModified, "r", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var lastModified) ? lastModified : null;
        return new JobItemDescriptor
        {
            Uri = url.AbsoluteUri,
            MediaType = response.MediaType,
            FileName = fileName,
            FallbackTitle = fallback,
            Modified = modified,
        }.WithAcl(_options.Acl);
    }

    /// <summary>Queues a URL unless it is off the site, outside the prefix, disallowed by robots.txt or queued
    /// already; false when it was not queued for one of the first three reasons.</summary>
    private bool Enqueue(Uri url, int depth)
    {
        if (!crawler.InScope(url) || !_robots.IsAllowed(url))
        {
            return false;
        }

        if (_enqueued.Add(url.AbsoluteUri))
        {
            _queue.Enqueue((url, depth));
        }

        return true;
    }

    private void Follow(IReadOnlyList<string>? links, int depth)
    {
        foreach (var link in links ?? [])
        {
            if (!Uri.TryCreate(link, UriKind.Absolute, out var parsed) || CrawlUrl.Normalize(parsed) is not { } url)
            {
                continue;
            }

            if (depth < _options.MaxDepth)
            {
                Enqueue(url, depth + 1);
            }
            else if (crawler.InScope(url) && _robots.IsAllowed(url) && !_enqueued.Contains(url.AbsoluteUri))
            {
                _limit ??= $"MaxDepth = {_options.MaxDepth}";
            }
        }
    }

    // A page that could not be read keeps its previous version, and the crawl goes on through the links it had.
    private void Keep(string id, CrawlCheckpointEntry? before, string reason, int depth, bool incomplete = true)
    {
        Fail(id, reason, incomplete);
        if (before is not null)
        {
            _next.Pages[id] = before;
            Follow(before.Links, depth);
        }
    }

    private void Fail(string locator, string reason, bool incomplete)
    {
        Log.EntryFailed(crawler.Logger, locator, reason);
        _failures.Add(new ScanFailure(locator, reason));
        _settled.Add(locator);
        _incomplete |= incomplete;
    }

    private void DeleteIfKnown(string id, bool known)
    {
        if (_settled.Add(id) && known)
        {
            _items.Add(new NewJobItem { DocumentId = id, Action = JobItemAction.Delete });
        }
    }

    private void Remember(string id, CrawlCheckpointEntry entry)
    {
        if (entry.HasValidator || entry.Links is not null)
        {
            _next.Pages[id] = entry;
        }
    }

    private void SettleUnreached()
    {
        foreach (var id in context.Known.Keys.Order(StringComparer.Ordinal))
        {
            if (_settled.Contains(id))
            {
                continue;
            }

            if (IsComplete)
            {
                _items.Add(new NewJobItem { DocumentId = id, Action = JobItemAction.Delete });
            }
            else if (_previous.Pages.TryGetValue(id, out var entry))
            {
                _next.Pages[id] = entry;
            }
        }
    }
}
