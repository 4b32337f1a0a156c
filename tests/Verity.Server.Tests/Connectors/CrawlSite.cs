using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Verity.Core;
using Verity.Core.Connectors;
using Verity.Core.Jobs;

namespace Verity.Server.Tests.Connectors;

/// <summary>A small web site on 127.0.0.1 for the crawler to crawl: pages can be changed or removed between crawls,
/// they answer conditional requests with 304, and every request is recorded.</summary>
internal sealed class CrawlSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CrawlSite(WebApplication app) => _app = app;

    public ConcurrentDictionary<string, SitePage> Pages { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<SiteRequest> Requests { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    public static async Task<CrawlSite> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        var site = new CrawlSite(builder.Build());
        site._app.Run(site.ServeAsync);
        await site._app.StartAsync();
        site.BaseAddress = new Uri(site._app.Urls.Single());
        return site;
    }

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    public void Html(string path, string body, Func<SitePage, SitePage>? configure = null) =>
        Pages[path] = (configure ?? (p => p))(new SitePage("text/html; charset=utf-8", "<!doctype html><html><body>" + body + "</body></html>"));

    public void Redirect(string path, string location, int status = 302) =>
        Pages[path] = new SitePage("text/plain", "") { Status = status, Location = location };

    public int RequestsTo(string pathAndQuery) => Requests.Count(r => r.PathAndQuery == pathAndQuery);

    public WebCrawler Crawler(HttpClient client, Func<WebCrawlerOptions, WebCrawlerOptions>? configure = null) =>
        new((configure ?? (o => o))(new WebCrawlerOptions { Seed = Url("/"), Delay = TimeSpan.Zero }), client);

    public static Task<SourceScan> ScanAsync(WebCrawler crawler, IReadOnlyDictionary<string, DocumentFingerprint>? known = null, string? checkpoint = null) =>
        crawler.ScanAsync(new ScanContext("t", known ?? new Dictionary<string, DocumentFingerprint>(), checkpoint), CancellationToken.None);

    /// <summary>What the index would hold after every item of <paramref name="scan"/> succeeded.</summary>
    public static Dictionary<string, DocumentFingerprint> KnownAfter(SourceScan scan, IReadOnlyDictionary<string, DocumentFingerprint>? before = null)
    {
        var known = new Dictionary<string, DocumentFingerprint>(before ?? new Dictionary<string, DocumentFingerprint>(), StringComparer.Ordinal);
        foreach (var item in scan.Items)
        {
            if (item.Action == JobItemAction.Delete)
            {
                known.Remove(item.DocumentId);
            }
            else
            {
                known[item.DocumentId] = new DocumentFingerprint("hash", "chunker", "model");
            }
        }

        return known;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var key = request.Path + request.QueryString;
        Requests.Enqueue(new SiteRequest(key, request.Headers.IfNoneMatch.ToString(), request.Headers.IfModifiedSince.ToString(), request.Headers.UserAgent.ToString()));
        var response = context.Response;
        if (!Pages.TryGetValue(key, out var page))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (page.Location is not null)
        {
            response.StatusCode = page.Status;
            response.Headers.Location = page.Location;
            return;
        }

        if (page.Validators)
        {
            var etag = "\"" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(page.Body)))[..16] + "\"";
            response.Headers.ETag = etag;
            if (request.Headers.IfNoneMatch == etag)
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
        }

        if (page.LastModified is { } lastModified)
        {
            response.Headers.LastModified = lastModified.ToString("r", CultureInfo.InvariantCulture);
            if (DateTimeOffset.TryParse(request.Headers.IfModifiedSince, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
                && since >= lastModified)
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }
        }

        response.StatusCode = page.Status;
        response.ContentType = page.ContentType;
        await response.WriteAsync(page.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <param name="Validators">Whether the page sends an ETag (a hash of its body) and answers If-None-Match.</param>
internal sealed record SitePage(string ContentType, string Body, bool Validators = true)
{
    public int Status { get; init; } = 200;
    public string? Location { get; init; }
    public DateTimeOffset? LastModified { get; init; }
}

internal sealed record SiteRequest(string PathAndQuery, string IfNoneMatch, string IfModifiedSince, string UserAgent);
