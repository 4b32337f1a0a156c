namespace Verity.Core.Connectors;

/// <summary>The one form of a URL the crawler works with (and uses as the document id): absolute http or https,
/// lower-case scheme and host, no default port, no user info, no fragment, dot segments resolved.</summary>
internal static class CrawlUrl
{
    /// <summary>The normalised absolute URL a link points to, or null for what is not a web page (<c>mailto:</c>,
    /// <c>javascript:</c>, a bare fragment, a malformed address).</summary>
    public static Uri? Resolve(Uri baseUri, string? href)
    {
        if (string.IsNullOrWhiteSpace(href) || href.TrimStart().StartsWith('#'))
        {
            return null;
        }

        return Uri.TryCreate(baseUri, href.Trim(), out var uri) ? Normalize(uri) : null;
    }

    public static Uri? Normalize(Uri uri)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        var text = uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
        return Uri.TryCreate(text, UriKind.Absolute, out var normalized) ? normalized : null;
    }

    /// <summary><c>scheme://host[:port]</c>, the port only when it is not the scheme's default.</summary>
    public static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    public static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);
}
