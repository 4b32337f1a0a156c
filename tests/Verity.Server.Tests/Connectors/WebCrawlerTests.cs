using Verity.Core;
using Verity.Core.Connectors;
using Verity.Core.Jobs;

namespace Verity.Server.Tests.Connectors;

/// <summary>The crawler against a real site served by Kestrel on 127.0.0.1.</summary>
public sealed class WebCrawlerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset BModified = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly HttpClient _client = WebCrawler.CreateHttpClient();
    private CrawlSite _site = null!;

    public async Task InitializeAsync() => _site = await CrawlSite.StartAsync();

    /// <summary>A site with one of each thing a crawler meets.</summary>
    private void BuildDocsSite()
    {
        // The '*' group forbids everything: only the VerityBot group lets the crawl in.
        _site.Pages["/robots.txt"] = new SitePage("text/plain",
            """
            User-agent: *
            Disallow: /

            User-agent: VerityBot
            Disallow: /private/
            Allow: /private/open
            Disallow: /*.bak$
            """);
        _site.Html("/",
            $"""
            <a href="/a">A</a> <a href="/a#part">A again</a> <a href="b">B</a>
            <a href="/private/secret">Secret</a> <a href="/private/open">Open</a> <a href="/file.bak">Backup</a>
            <a href="/away">Away</a> <a href="/moved-old">Moved</a> <a href="/broken">Broken</a> <a href="/hidden">Hidden</a>
            <a href="/notes.txt">Notes</a> <a href="/doc.pdf">PDF</a> <a href="/image.png">Image</a> <a href="/copy">Copy</a>
            <a href="/nofollowed" rel="nofollow">Login</a> <a href="http://localhost:{_site.Port}/landing">Elsewhere</a>
            <a href="mailto:docs@example.com">Mail</a>
            """);
        _site.Html("/a", """<a href="/a/deep">Deep</a>""");
        _site.Html("/a/deep", """<a href="/a/deep/deeper">Deeper</a>""");
        _site.Html("/a/deep/deeper", "Too deep");
        _site.Pages["/b"] = new SitePage("text/html", "<p>B, dated</p>", Validators: false) { LastModified = BModified };
        _site.Html("/private/secret", "Secret");
        _site.Html("/private/open", "Open");
        _site.Pages["/file.bak"] = new SitePage("text/plain", "backup");
        _site.Redirect("/away", $"http://localhost:{_site.Port}/landing");
        _site.Html("/landing", "Landing on another host name");
        _site.Redirect("/moved-old", "/moved", status: 301);
        _site.Html("/moved", "Moved here");
        _site.Pages["/broken"] = new SitePage("text/html", "oops") { Status = 500 };
        _site.Pages["/hidden"] = new SitePage("text/html", """<head><meta name="robots" content="noindex"></head><a href="/via-hidden">Via</a>""");
        _site.Html("/via-hidden", "Found through a noindex page");
        _site.Pages["/notes.txt"] = new SitePage("text/plain; charset=utf-8", "Plain notes", Validators: false);
        _site.Pages["/doc.pdf"] = new SitePage("application/pdf", "%PDF-1.4\n%fake");
        _site.Pages["/image.png"] = new SitePage("image/png", "not really a png");
        _site.Pages["/copy"] = new SitePage("text/html", """<head><link rel="canonical" href="/b"></head>Copy of B""");
        _site.Html("/nofollowed", "Not followed");
        _site.Html("/orphan", "Linked from nowhere");
    }

    [Fact]
    public void Id_IsWebTheOriginAndThePathRoot()
    {
        Assert.Equal($"web:http://127.0.0.1:{_site.Port}/", _site.Crawler(_client).Id);
        Assert.Equal($"web:http://127.0.0.1:{_site.Port}/docs/", _site.Crawler(_client, o => o with { Seed = _site.Url("/docs/start"), PathPrefix = "/docs/" }).Id);
        Assert.Equal("crawl", _site.Crawler(_client).Kind);
    }

    [Fact]
    public async Task Scan_FirstCrawl_FetchesExactlyTheAllowedSameHostPagesWithinTheDepth()
    {
        BuildDocsSite();

        var scan = await CrawlSite.ScanAsync(_site.Crawler(_client, o => o with { MaxDepth = 2 }));

        string[] expected = ["/", "/a", "/a/deep", "/b", "/doc.pdf", "/moved", "/notes.txt", "/private/open", "/via-hidden"];
        Assert.Equal(expected.Select(p => _site.Url(p).AbsoluteUri).Order(), scan.Items.Select(i => i.DocumentId).Order());
        Assert.All(scan.Items, i => Assert.Equal(JobItemAction.Upsert, i.Action));
        foreach (var never in new[] { "/private/secret", "/file.bak", "/landing", "/nofollowed", "/a/deep/deeper", "/orphan" })
        {
            Assert.True(_site.RequestsTo(never) == 0, $"{never} was requested");
        }

        Assert.All(_site.Requests.GroupBy(r => r.PathAndQuery), g => Assert.Single(g));
        Assert.All(_site.Requests, r => Assert.Equal("VerityBot/1.0", r.UserAgent));
        Assert.Equal(2, scan.Ignored);
        Assert.Equal(["/away", "/broken"], scan.Failures.Select(f => new Uri(f.Locator).AbsolutePath).Order());
        Assert.Contains("outside", scan.Failures.Single(f => f.Locator.EndsWith("/away", StringComparison.Ordinal)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_FetchedPages_CarryTheirBytesAndContentType()
    {
        BuildDocsSite();

        var scan = await CrawlSite.ScanAsync(_site.Crawler(_client, o => o with { MaxDepth = 1 }));

        var pdf = scan.Items.Single(i => i.DocumentId == _site.Url("/doc.pdf").AbsoluteUri);
        Assert.Equal("%PDF-1.4\n%fake", System.Text.Encoding.UTF8.GetString(pdf.Content!.Value.Span));
        var descriptor = JobItemDescriptor.Parse(pdf.Descriptor);
        Assert.Equal(("application/pdf", "doc.pdf", "doc", _site.Url("/doc.pdf").AbsoluteUri), (descriptor.MediaType, descriptor.FileName, descriptor.FallbackTitle, descriptor.Uri));
        var b = JobItemDescriptor.Parse(scan.Items.Single(i => i.DocumentId == _site.Url("/b").AbsoluteUri).Descriptor);
        Assert.Equal(("text/html", BModified), (b.MediaType, b.Modified));
    }

    [Fact]
    public async Task Scan_Recrawl_SendsConditionalRequestsAndCountsUnchangedPages()
    {
        BuildDocsSite();
        var crawler = _site.Crawler(_client, o => o with { MaxDepth = 2 });
        var first = await CrawlSite.ScanAsync(crawler);
        _site.Requests.Clear();

        var second = await CrawlSite.ScanAsync(crawler, CrawlSite.KnownAfter(first), first.Checkpoint);

        // Only the page without validators comes again; "/a/deep" is reached through "/a", which answered 304.
        Assert.Equal([_site.Url("/notes.txt").AbsoluteUri], second.Items.Select(i => i.DocumentId));
        Assert.Equal(first.Items.Count - 1, second.Unchanged);
        Assert.Equal(1, _site.RequestsTo("/a/deep"));
        Assert.StartsWith("\"", _site.Requests.Single(r => r.PathAndQuery == "/a").IfNoneMatch, StringComparison.Ordinal);
        Assert.Equal(BModified.ToString("r", System.Globalization.CultureInfo.InvariantCulture), _site.Requests.Single(r => r.PathAndQuery == "/b").IfModifiedSince);
        Assert.Equal("", _site.Requests.Single(r => r.PathAndQuery == "/notes.txt").IfNoneMatch);
    }

    [Fact]
    public async Task Scan_ChangedPage_IsFetchedAgain()
    {
        BuildDocsSite();
        var crawler = _site.Crawler(_client, o => o with { MaxDepth = 2 });
        var first = await CrawlSite.ScanAsync(crawler);
        _site.Html("/a", """<p>A, rewritten</p><a href="/a/deep">Deep</a>""");
        _site.Pages["/b"] = _site.Pages["/b"] with { Body = "<p>B, updated</p>", LastModified = BModified.AddDays(1) };

        var second = await CrawlSite.ScanAsync(crawler, CrawlSite.KnownAfter(first), first.Checkpoint);

        string[] expected = ["/a", "/b", "/notes.txt"];
        Assert.Equal(expected.Select(p => _site.Url(p).AbsoluteUri), second.Items.Select(i => i.DocumentId).Order());
        Assert.Contains("rewritten", System.Text.Encoding.UTF8.GetString(second.Items.Single(i => i.DocumentId.EndsWith("/a", StringComparison.Ordinal)).Content!.Value.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_RemovedPage_BecomesADeleteItem()
    {
        BuildDocsSite();
        var crawler = _site.Crawler(_client, o => o with { MaxDepth = 2 });
        var first = await CrawlSite.ScanAsync(crawler);
        _site.Pages.TryRemove("/b", out _);

        var second = await CrawlSite.ScanAsync(crawler, CrawlSite.KnownAfter(first), first.Checkpoint);

        var delete = second.Items.Single(i => i.Action == JobItemAction.Delete);
        Assert.Equal(_site.Url("/b").AbsoluteUri, delete.DocumentId);
    }

    [Fact]
    public async Task Scan_CompleteCrawl_DeletesKnownPagesItNoLongerReaches()
    {
        BuildSmallSite();
        var known = KnownPages("/", "/a", "/b", "/orphan");

        var scan = await CrawlSite.ScanAsync(_site.Crawler(_client), known);

        Assert.Equal(_site.Url("/orphan").AbsoluteUri, scan.Items.Single(i => i.Action == JobItemAction.Delete).DocumentId);
        Assert.Equal(0, _site.RequestsTo("/orphan"));
    }

    [Fact]
    public async Task Scan_PageLimitHit_DoesNotDeletePagesItDidNotReach()
    {
        BuildSmallSite();
        var known = KnownPages("/", "/a", "/b", "/orphan");

        var scan = await CrawlSite.ScanAsync(_site.Crawler(_client, o => o with { MaxPages = 2 }), known);

        Assert.Equal(2, scan.Items.Count);
        Assert.DoesNotContain(scan.Items, i => i.Action == JobItemAction.Delete);
        Assert.Equal(0, _site.RequestsTo("/b"));
    }

    [Fact]
    public async Task Scan_ServerError_IsAFailureAndNothingIsDeleted()
    {
        BuildSmallSite();
        _site.Pages["/b"] = new SitePage("text/html", "down") { Status = 503 };
        var known = KnownPages("/", "/a", "/b", "/orphan");

        var scan = await CrawlSite.ScanAsync(_site.Crawler(_client), known);

        Assert.DoesNotContain(scan.Items, i => i.Action == JobItemAction.Delete);
        var failure = Assert.Single(scan.Failures);
        Assert.Equal((_site.Url("/b").AbsoluteUri, "The server answered 503 Service Unavailable."), (failure.Locator, failure.Reason));
    }

    [Fact]
    public async Task Scan_SeedGone_IsAFailureAndNothingIsDeleted()
    {
        BuildSmallSite();
        _site.Pages.TryRemove("/", out _);

        var scan = await CrawlSite.ScanAsync(_site.Crawler(_client), KnownPages("/", "/a", "/b"));

        Assert.Empty(scan.Items);
        Assert.Contains("seed URL answered 404", Assert.Single(scan.Failures).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_RobotsTxtUnavailable_CrawlsNothingAndDeletesNothing()
    {
        BuildSmallSite();
        _site.Pages["/robots.txt"] = new SitePage("text/plain", "") { Status = 503 };

        var scan = await CrawlSite.ScanAsync(_site.Crawler(_client), KnownPages("/", "/a"));

        Assert.Empty(scan.Items);
        Assert.Equal(["/robots.txt"], _site.Requests.Select(r => r.PathAndQuery));
        Assert.Contains("robots.txt could not be read", Assert.Single(scan.Failures).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_RobotsTxtMissing_AllowsEverything()
    {
        BuildSmallSite();
        _site.Pages.TryRemove("/robots.txt", out _);

        var scan = await CrawlSite.ScanAsync(_site.Crawler(_client));

        Assert.Equal(3, scan.Items.Count);
        Assert.Empty(scan.Failures);
    }

    [Fact]
    public async Task Scan_SitemapFromRobotsTxt_AddsPagesNoLinkReaches()
    {
        BuildSmallSite();
        _site.Pages["/robots.txt"] = new SitePage("text/plain", $"Sitemap: {_site.Url("/sitemap-index.xml")}\nUser-agent: *\nDisallow: /private");
        _site.Pages["/sitemap-index.xml"] = new SitePage("application/xml",
            $"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{_site.Url("/sitemap-pages.xml")}</loc></sitemap></sitemapindex>""");
        _site.Pages["/sitemap-pages.xml"] = new SitePage("application/xml",
            $"""
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>{_site.Url("/orphan")}</loc></url>
              <url><loc>{_site.Url("/private/listed")}</loc></url>
              <url><loc>http://localhost:{_site.Port}/landing</loc></url>
            </urlset>
            """);
        _site.Html("/private/listed", "Listed but disallowed");
        _site.Html("/landing", "Another host name");

        var scan = await CrawlSite.ScanAsync(_site.Crawler(_client));

        Assert.Contains(_site.Url("/orphan").AbsoluteUri, scan.Items.Select(i => i.DocumentId));
        Assert.Equal(4, scan.Items.Count);
        Assert.Equal(0, _site.RequestsTo("/private/listed") + _site.RequestsTo("/landing"));
    }

    [Fact]
    public async Task Scan_SitemapOnlyCrawl_FetchesTheListedPagesWithoutFollowingBeyondTheDepth()
    {
        BuildSmallSite();
        _site.Pages["/sitemap.txt"] = new SitePage("text/plain", _site.Url("/orphan").AbsoluteUri + "\n" + _site.Url("/a").AbsoluteUri);

        var scan = await CrawlSite.ScanAsync(new WebCrawler(new WebCrawlerOptions { Sitemap = _site.Url("/sitemap.txt"), MaxDepth = 0, Delay = TimeSpan.Zero }, _client));

        Assert.Equal(new[] { "/a", "/orphan" }.Select(p => _site.Url(p).AbsoluteUri), scan.Items.Select(i => i.DocumentId).Order());
        Assert.Equal(0, _site.RequestsTo("/"));
    }

    [Fact]
    public async Task Scan_PageLargerThanTheLimit_IsAFailure()
    {
        BuildSmallSite();
        _site.Html("/b", new string('x', 5000));

        var scan = await CrawlSite.ScanAsync(_site.Crawler(_client, o => o with { MaxBytesPerPage = 4096 }));

        Assert.Contains("MaxBytesPerPage", Assert.Single(scan.Failures).Reason, StringComparison.Ordinal);
        Assert.Equal(2, scan.Items.Count);
    }

    [Fact]
    public async Task Scan_ClientThatFollowsRedirectsItself_IsRefused()
    {
        BuildSmallSite();
        _site.Redirect("/a", "/b");
        using var autoRedirecting = new HttpClient();

        await Assert.ThrowsAsync<InvalidOperationException>(() => CrawlSite.ScanAsync(_site.Crawler(autoRedirecting)));
    }

    [Fact]
    public void Constructor_SitemapOnAnotherHost_IsRejected()
    {
        var error = Assert.Throws<InvalidRequestException>(() => _site.Crawler(_client, o => o with { Sitemap = new Uri("http://example.com/sitemap.xml") }));

        Assert.Equal("sitemap", error.Field);
    }

    private void BuildSmallSite()
    {
        _site.Pages["/robots.txt"] = new SitePage("text/plain", "User-agent: *\nDisallow:\n");
        _site.Html("/", """<a href="/a">A</a>""");
        _site.Html("/a", """<a href="/b">B</a> <a href="/">Home</a>""");
        _site.Html("/b", "B");
        _site.Html("/orphan", "Linked from nowhere");
    }

    private Dictionary<string, DocumentFingerprint> KnownPages(params string[] paths) =>
        paths.ToDictionary(p => _site.Url(p).AbsoluteUri, _ => new DocumentFingerprint("hash", "chunker", "model"));

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _site.DisposeAsync();
    }
}
