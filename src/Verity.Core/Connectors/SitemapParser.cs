using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Verity.Core.Connectors;

/// <summary>
/// Reads a sitemap (sitemaps.org): an XML <c>urlset</c> of pages or <c>sitemapindex</c> of further sitemaps,
/// plain or gzip-compressed, or a text file of one URL per line. Document type definitions are refused (no entity
/// expansion, no external fetches), and the protocol's limits apply: 50,000 entries and 50 MB uncompressed.
/// </summary>
public static class SitemapParser
{
    public const int MaxEntries = 50_000;
    public const int MaxBytes = 50 * 1024 * 1024;

    /// <summary>The entries of a sitemap; throws <see cref="InvalidDataException"/> when it is not one.</summary>
    public static SitemapContent Parse(ReadOnlyMemory<byte> content)
    {
        var bytes = content.Span.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]) ? Decompress(content) : content;
        var start = 0;
        var span = bytes.Span;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            start = 3;
        }

        while (start < span.Length && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        return start < span.Length && span[start] == (byte)'<' ? ParseXml(bytes) : ParseText(bytes.Span[start..]);
    }

    private static ReadOnlyMemory<byte> Decompress(ReadOnlyMemory<byte> content)
    {
        using var gzip = new GZipStream(new MemoryStream(content.ToArray()), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        while (true)
        {
            int read;
            try
            {
                read = gzip.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException("The sitemap is not valid gzip.", e);
            }

            if (read == 0)
            {
                return output.ToArray();
            }

            // Checked while inflating: a small compressed file may expand without bound.
            if (output.Length + read > MaxBytes)
            {
                throw new InvalidDataException("The sitemap is larger than 50 MB uncompressed.");
            }

            output.Write(buffer, 0, read);
        }
    }

    private static SitemapContent ParseXml(ReadOnlyMemory<byte> bytes)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = MaxBytes,
        };
        var pages = new List<string>();
        var sitemaps = new List<string>();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes.ToArray()), settings);
            string? root = null;
            List<string>? target = null;
            while (!reader.EOF)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }

                root ??= reader.LocalName is "urlset" or "sitemapindex"
                    ? reader.LocalName
                    : throw new InvalidDataException($"The document is not a sitemap (its root element is <{reader.LocalName}>).");
                switch (reader.LocalName)
                {
                    case "url":
                        target = pages;
                        break;
                    case "sitemap":
                        target = sitemaps;
                        break;
                    case "loc":
                        var loc = reader.ReadElementContentAsString().Trim();
                        if (target is not null && loc.Length > 0)
                        {
                            Add(target, loc, pages.Count + sitemaps.Count);
                        }

                        continue;
                }

                reader.Read();
            }

            return root is null ? throw new InvalidDataException("The sitemap is empty.") : new SitemapContent(pages, sitemaps);
        }
        catch (XmlException e)
        {
            throw new InvalidDataException("The sitemap is not valid XML: " + e.Message, e);
        }
    }

    private static SitemapContent ParseText(ReadOnlySpan<byte> bytes)
    {
        var pages = new List<string>();
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            var url = line.Trim();
            if (url.Length > 0)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out _))
                {
                    throw new InvalidDataException("A text sitemap must hold one absolute URL per line.");
                }

                Add(pages, url, pages.Count);
            }
        }

        return new SitemapContent(pages, []);
    }

    private static void Add(List<string> target, string url, int count)
    {
        if (count >= MaxEntries)
        {
            throw new InvalidDataException("The sitemap has more than 50,000 entries.");
        }

        target.Add(url);
    }
}

/// <param name="Pages">Page URLs (of a <c>urlset</c> or a text sitemap), as written.</param>
/// <param name="Sitemaps">Further sitemaps (of a <c>sitemapindex</c>), as written.</param>
public sealed record SitemapContent(IReadOnlyList<string> Pages, IReadOnlyList<string> Sitemaps);
