using Verity.Core.Connectors;

namespace Verity.Core.Tests.Connectors;

public sealed class RobotsTxtTests
{
    private const string Agent = "VerityBot/1.0";

    [Theory]
    [InlineData("/private/x", false)]
    [InlineData("/private/open/page", true)]
    [InlineData("/private/open", true)]
    [InlineData("/public", true)]
    [InlineData("/", true)]
    public void IsAllowed_LongestMatchingRuleWins(string path, bool allowed)
    {
        var robots = RobotsTxt.Parse("User-agent: *\nDisallow: /private\nAllow: /private/open\n", Agent);

        Assert.Equal(allowed, robots.IsAllowed(path));
    }

    [Fact]
    public void IsAllowed_EquallyLongAllowAndDisallow_AllowWins()
    {
        var robots = RobotsTxt.Parse("User-agent: *\nDisallow: /page\nAllow: /page\n", Agent);

        Assert.True(robots.IsAllowed("/page"));
    }

    [Theory]
    [InlineData("/fish.php", false)]
    [InlineData("/fish.php?id=1", true)]
    [InlineData("/folder/fish.php", false)]
    [InlineData("/fish.phpx", true)]
    [InlineData("/search/results?q=a", false)]
    [InlineData("/search", true)]
    [InlineData("/a/b/c/draft-1.html", false)]
    [InlineData("/a/draft.txt", true)]
    public void IsAllowed_WildcardsAndEndAnchor(string path, bool allowed)
    {
        var robots = RobotsTxt.Parse(
            """
            User-agent: *
            Disallow: /*.php$
            Disallow: /search/*
            Disallow: /*/draft-*.html
            """, Agent);

        Assert.Equal(allowed, robots.IsAllowed(path));
    }

    [Fact]
    public void Parse_GroupNamingTheCrawler_ReplacesTheStarGroup()
    {
        var robots = RobotsTxt.Parse(
            """
            User-agent: *
            Disallow: /

            User-agent: otherbot
            Allow: /

            User-agent: veritybot
            Disallow: /admin
            Crawl-delay: 2.5
            """, Agent);

        Assert.True(robots.IsAllowed("/docs"));
        Assert.False(robots.IsAllowed("/admin/users"));
        Assert.Equal(TimeSpan.FromSeconds(2.5), robots.CrawlDelay);
    }

    [Fact]
    public void Parse_ConsecutiveAgentLinesShareAGroupAndSeparateGroupsMerge()
    {
        var robots = RobotsTxt.Parse(
            """
            User-agent: a-bot
            User-agent: VerityBot/2.0
            Disallow: /one

            User-agent: b-bot
            Disallow: /other

            User-agent: VERITYBOT
            Disallow: /two
            """, Agent);

        Assert.False(robots.IsAllowed("/one"));
        Assert.False(robots.IsAllowed("/two"));
        Assert.True(robots.IsAllowed("/other"));
    }

    [Fact]
    public void Parse_NoGroupForTheCrawlerOrStar_AllowsEverything()
    {
        var robots = RobotsTxt.Parse("User-agent: otherbot\nDisallow: /\n", Agent);

        Assert.True(robots.IsAllowed("/anything"));
    }

    [Fact]
    public void Parse_EmptyDisallowCommentsAndCarriageReturns_AllowEverything()
    {
        var robots = RobotsTxt.Parse("\uFEFF# rules\r\nUser-agent: * # all\r\nDisallow:\r\n", Agent);

        Assert.True(robots.IsAllowed("/x"));
    }

    [Fact]
    public void Parse_CollectsSitemapsFromAnywhere()
    {
        var robots = RobotsTxt.Parse(
            """
            Sitemap: https://example.com/a.xml
            User-agent: *
            Disallow: /x
            Sitemap: https://example.com/b.xml
            """, Agent);

        Assert.Equal(["https://example.com/a.xml", "https://example.com/b.xml"], robots.Sitemaps);
        Assert.False(robots.IsAllowed("/x"));
    }

    [Fact]
    public void IsAllowed_ComparesPercentEncodingNormalised()
    {
        var robots = RobotsTxt.Parse("User-agent: *\nDisallow: /~joe/\nDisallow: /café\nDisallow: /a%3cb\n", Agent);

        Assert.False(robots.IsAllowed("/%7Ejoe/index.html"));
        Assert.False(robots.IsAllowed(new Uri("https://example.com/café/menu")));
        Assert.False(robots.IsAllowed("/a%3Cb"));
        Assert.True(robots.IsAllowed("/cafe"));
    }

    [Fact]
    public void IsAllowed_RobotsTxtItself_IsAlwaysAllowed()
    {
        Assert.True(RobotsTxt.DisallowAll.IsAllowed("/robots.txt"));
        Assert.False(RobotsTxt.DisallowAll.IsAllowed("/index.html"));
        Assert.True(RobotsTxt.AllowAll.IsAllowed("/index.html"));
    }
}
