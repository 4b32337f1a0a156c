using System.IO.Compression;
using System.Text;
using Verity.Core.Connectors;

namespace Verity.Core.Tests.Connectors;

public sealed class SitemapParserTests
{
    [Fact]
    public void Parse_UrlSet_ListsThePages()
    {
        var content = SitemapParser.Parse(Bytes(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <url><loc>https://example.com/</loc><lastmod>2025-01-01</lastmod></url>
              <url><loc>
                https://example.com/docs?a=1&amp;b=2
              </loc></url>
            </urlset>
            """));

        Assert.Equal(["https://example.com/", "https://example.com/docs?a=1&b=2"], content.Pages);
        Assert.Empty(content.Sitemaps);
    }

    [Fact]
    public void Parse_SitemapIndex_ListsTheSitemaps()
    {
        var content = SitemapParser.Parse(Bytes(
            """
            <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
              <sitemap><loc>https://example.com/s1.xml</loc></sitemap>
              <sitemap><loc>https://example.com/s2.xml.gz</loc></sitemap>
            </sitemapindex>
            """));

        Assert.Equal(["https://example.com/s1.xml", "https://example.com/s2.xml.gz"], content.Sitemaps);
        Assert.Empty(content.Pages);
    }

    [Fact]
    public void Parse_Gzipped_IsDecompressed()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Bytes("<urlset><url><loc>https://example.com/a</loc></url></urlset>"));
        }

        Assert.Equal(["https://example.com/a"], SitemapParser.Parse(compressed.ToArray()).Pages);
    }

    [Fact]
    public void Parse_TextSitemap_ReadsOneUrlPerLine()
    {
        var content = SitemapParser.Parse(Bytes("https://example.com/a\r\n\r\nhttps://example.com/b\n"));

        Assert.Equal(["https://example.com/a", "https://example.com/b"], content.Pages);
    }

    [Theory]
    [InlineData("<html><body>Not found</body></html>", "not a sitemap")]
    [InlineData("<urlset><url><loc>https://example.com/a</loc></url>", "not valid XML")]
    [InlineData("<!DOCTYPE urlset [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><urlset><url><loc>&x;</loc></url></urlset>", "not valid XML")]
    [InlineData("see https://example.com", "one absolute URL per line")]
    public void Parse_NotASitemap_ThrowsWithTheReason(string text, string reason)
    {
        var error = Assert.Throws<InvalidDataException>(() => SitemapParser.Parse(Bytes(text)));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreThanTheProtocolsEntryLimit_Throws()
    {
        var xml = new StringBuilder("<urlset>");
        for (var i = 0; i <= SitemapParser.MaxEntries; i++)
        {
            xml.Append("<url><loc>https://example.com/").Append(i).Append("</loc></url>");
        }

        var error = Assert.Throws<InvalidDataException>(() => SitemapParser.Parse(Bytes(xml.Append("</urlset>").ToString())));

        Assert.Contains("50,000", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
