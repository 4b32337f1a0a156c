using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Verity.Core.Connectors;

/// <summary>What the crawler needs from an HTML page: the pages it links to, the URL it names as canonical, and the
/// robots directives of its <c>&lt;meta name="robots"&gt;</c> (or a meta tag naming the crawler).</summary>
/// <param name="Links">Absolute, normalised targets of <c>&lt;a href&gt;</c> and <c>&lt;area href&gt;</c>, in page
/// order without repeats; links marked <c>rel="nofollow"</c> are left out.</param>
internal sealed record HtmlPage(IReadOnlyList<Uri> Links, Uri? Canonical, RobotsDirectives Directives)
{
    public static HtmlPage Parse(ReadOnlyMemory<byte> body, Uri url, string productToken)
    {
        var parser = new AngleSharp.Html.Parser.HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = parser.ParseDocument(new MemoryStream(body.ToArray(), writable: false));
        var baseUri = url;
        if (document.QuerySelector("base[href]")?.GetAttribute("href") is { } baseHref
            && Uri.TryCreate(url, baseHref.Trim(), out var declaredBase) && declaredBase.IsAbsoluteUri)
        {
            baseUri = declaredBase;
        }

        var directives = RobotsDirectives.None;
        foreach (var meta in document.QuerySelectorAll("meta[name][content]"))
        {
            var name = meta.GetAttribute("name")!.Trim();
            if (name.Equals("robots", StringComparison.OrdinalIgnoreCase) || name.Equals(productToken, StringComparison.OrdinalIgnoreCase))
            {
                directives = directives.With(RobotsDirectives.Parse(meta.GetAttribute("content")));
            }
        }

        var canonical = document.QuerySelectorAll("link[href]")
            .Where(l => RelTokens(l).Contains("canonical"))
            .Select(l => CrawlUrl.Resolve(baseUri, l.GetAttribute("href")))
            .FirstOrDefault(u => u is not null);
        var links = new List<Uri>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var anchor in document.QuerySelectorAll("a[href], area[href]"))
        {
            if (!RelTokens(anchor).Contains("nofollow") && CrawlUrl.Resolve(baseUri, anchor.GetAttribute("href")) is { } target
                && seen.Add(target.AbsoluteUri))
            {
                links.Add(target);
            }
        }

        return new HtmlPage(links, canonical, directives);
    }

    private static HashSet<string> RelTokens(IElement element) =>
        new((element.GetAttribute("rel") ?? "").Split(' ', '\t', '\n', '\r', '\f'), StringComparer.OrdinalIgnoreCase);
}

/// <summary>Indexing directives of a page, from its meta tags or its <c>X-Robots-Tag</c> header.</summary>
internal readonly record struct RobotsDirectives(bool NoIndex, bool NoFollow)
{
    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "all", "none", "noindex", "nofollow", "noarchive", "nosnippet", "notranslate", "noimageindex", "nocache",
        "unavailable_after", "max-snippet", "max-image-preview", "max-video-preview", "indexifembedded",
    };

    public static RobotsDirectives None => default;

    public RobotsDirectives With(RobotsDirectives other) => new(NoIndex || other.NoIndex, NoFollow || other.NoFollow);

    /// <summary>A comma-separated directive list: <c>noindex, nofollow</c>; <c>none</c> is both.</summary>
    public static RobotsDirectives Parse(string? content)
    {
        var result = None;
        foreach (var token in (content ?? "").Split(','))
        {
            switch (token.Trim().ToLowerInvariant())
            {
                case "noindex":
                    result = result with { NoIndex = true };
                    break;
                case "nofollow":
                    result = result with { NoFollow = true };
                    break;
                case "none":
                    result = new RobotsDirectives(true, true);
                    break;
            }
        }

        return result;
    }

    /// <summary>The <c>X-Robots-Tag</c> values that apply to this crawler: those without an agent name and those
    /// that name it (<c>veritybot: noindex</c>).</summary>
    public static RobotsDirectives FromHeader(IEnumerable<string> values, string productToken)
    {
        var result = None;
        foreach (var value in values)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            var prefix = colon > 0 ? value[..colon].Trim() : "";
            if (colon > 0 && !prefix.Contains(',', StringComparison.Ordinal) && !Known.Contains(prefix))
            {
                if (prefix.Equals(productToken, StringComparison.OrdinalIgnoreCase))
                {
                    result = result.With(Parse(value[(colon + 1)..]));
                }
            }
            else
            {
                result = result.With(Parse(value));
            }
        }

        return result;
    }
}
