using System.Text;
using Verity.Core.Connectors;

namespace Verity.Core.Tests.Connectors;

public sealed class HtmlPageTests
{
    private static readonly Uri Page = new("https://example.com/docs/guide/index.html");

    [Fact]
    public void Parse_Links_AreResolvedNormalisedAndDeduplicated()
    {
        var page = Parse(
            """
            <a href="intro.html#top">Intro</a>
            <a href="intro.html">Intro again</a>
            <a href="../api/?q=1">API</a>
            <a href="HTTPS://EXAMPLE.COM:443/about">About</a>
            <a href="#section">Here</a>
            <a href="mailto:team@example.com">Mail</a>
            <a href="javascript:void(0)">Script</a>
            <a href="/login" rel="nofollow noopener">Login</a>
            <map><area href="/map-target" alt="x"></map>
            """);

        Assert.Equal(
            ["https://example.com/docs/guide/intro.html", "https://example.com/docs/api/?q=1", "https://example.com/about", "https://example.com/map-target"],
            page.Links.Select(l => l.AbsoluteUri));
    }

    [Fact]
    public void Parse_BaseHref_ResolvesRelativeLinks()
    {
        var page = Parse("""<head><base href="https://example.com/v2/"></head><a href="start">Start</a>""");

        Assert.Equal("https://example.com/v2/start", Assert.Single(page.Links).AbsoluteUri);
    }

    [Fact]
    public void Parse_CanonicalAndMetaRobots_AreRead()
    {
        var page = Parse(
            """
            <head>
              <link rel="alternate stylesheet" href="/style.css">
              <link rel="Canonical" href="/docs/guide/">
              <meta name="description" content="noindex is not a directive here">
              <meta name="ROBOTS" content="noindex">
              <meta name="veritybot" content="nofollow">
            </head>
            """);

        Assert.Equal("https://example.com/docs/guide/", page.Canonical?.AbsoluteUri);
        Assert.Equal(new RobotsDirectives(NoIndex: true, NoFollow: true), page.Directives);
    }

    [Theory]
    [InlineData("noindex", true, false)]
    [InlineData("none", true, true)]
    [InlineData("veritybot: nofollow", false, true)]
    [InlineData("otherbot: noindex", false, false)]
    [InlineData("unavailable_after: 25 Jun 2010 15:00:00 PST", false, false)]
    public void FromHeader_AppliesGeneralAndOwnAgentValues(string value, bool noIndex, bool noFollow)
    {
        Assert.Equal(new RobotsDirectives(noIndex, noFollow), RobotsDirectives.FromHeader([value], "VerityBot"));
    }

    private static HtmlPage Parse(string html) => HtmlPage.Parse(Encoding.UTF8.GetBytes(html), Page, "VerityBot");
}
