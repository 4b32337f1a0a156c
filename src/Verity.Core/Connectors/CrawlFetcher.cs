using System.Globalization;
using System.Net.Http.Headers;
using Verity.Core.Documents;

namespace Verity.Core.Connectors;

/// <summary>One GET as the crawler makes it: its user agent, conditional headers when it has validators, a time
/// limit, and a body read only when the status and content type call for it, never past the size limit.</summary>
internal sealed class CrawlFetcher(HttpClient client, WebCrawlerOptions options)
{
    private readonly string _accept = string.Join(", ", options.MediaTypes) + ", */*;q=0.1";

    public async Task<CrawlResponse> GetAsync(
        Uri url, CrawlCheckpointEntry? conditional, Func<string?, bool> wantsBody, long maxBytes, bool truncate,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", options.UserAgent);
        request.Headers.TryAddWithoutValidation("Accept", _accept);
        if (conditional?.ETag is { } etag)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        if (conditional?.LastModified is { } lastModified)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            if (response.RequestMessage?.RequestUri is { } final && final.AbsoluteUri != url.AbsoluteUri)
            {
                // The handler followed a redirect on its own: the crawler can no longer keep requests on the site.
                throw new InvalidOperationException(
                    "The crawler's HttpClient follows redirects itself; create it with AllowAutoRedirect = false (WebCrawler.CreateHttpClient does).");
            }

            var status = (int)response.StatusCode;
            var mediaType = MediaTypes.Canonical(response.Content.Headers.ContentType?.MediaType);
            var result = new CrawlResponse
            {
                Status = status,
                Reason = response.ReasonPhrase,
                MediaType = mediaType,
                Location = response.Headers.Location is { } location ? new Uri(url, location) : null,
                ETag = Header(response.Headers, "ETag"),
                LastModified = Header(response.Content.Headers, "Last-Modified"),
                RobotsTags = response.Headers.TryGetValues("X-Robots-Tag", out var tags) ? [.. tags] : [],
            };
            if (status is < 200 or >= 300 || !wantsBody(mediaType))
            {
                return result;
            }

            if (!truncate && response.Content.Headers.ContentLength > maxBytes)
            {
                return result with { Error = TooLarge(response.Content.Headers.ContentLength.Value, maxBytes) };
            }

            var body = await ReadAsync(response.Content, maxBytes, truncate, timeout.Token).ConfigureAwait(false);
            return body is null ? result with { Error = TooLarge(null, maxBytes) } : result with { Body = body };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CrawlResponse
            {
                Error = string.Create(CultureInfo.InvariantCulture, $"The server did not answer within {options.RequestTimeout.TotalSeconds:0.#} s."),
            };
        }
        catch (HttpRequestException e)
        {
            return new CrawlResponse { Error = "The server could not be reached: " + e.Message };
        }
        catch (IOException e)
        {
            return new CrawlResponse { Error = "The response broke off: " + e.Message };
        }
    }

    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/> (unless truncating to it).</summary>
    private static async Task<byte[]?> ReadAsync(HttpContent content, long maxBytes, bool truncate, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                var room = maxBytes - buffer.Length;
                if (read > room)
                {
                    if (!truncate)
                    {
                        return null;
                    }

                    buffer.Write(chunk, 0, (int)room);
                    break;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static string TooLarge(long? length, long maxBytes) => length is { } bytes
        ? $"The page is {Ingestion.IngestionService.FormatBytes(bytes)}; the crawl's limit is {Ingestion.IngestionService.FormatBytes(maxBytes)} per page (MaxBytesPerPage)."
        : $"The page is larger than the crawl's limit of {Ingestion.IngestionService.FormatBytes(maxBytes)} per page (MaxBytesPerPage).";

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

/// <summary>What came back for one request; <see cref="Error"/> is set when nothing usable did.</summary>
internal sealed record CrawlResponse
{
    public int Status { get; init; }
    public string? Reason { get; init; }
    public string? Error { get; init; }
    public string? MediaType { get; init; }
    public Uri? Location { get; init; }
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    public IReadOnlyList<string> RobotsTags { get; init; } = [];

    /// <summary>Read for a 2xx answer whose content type was wanted.</summary>
    public byte[]? Body { get; init; }
}
