using Verity.Core.Documents;

namespace Verity.Core.Tests;

public sealed class HtmlParserTests
{
    private const string Page = """
        <!doctype html>
        <html>
        <head>
          <title>  VPN   access </title>
          <style>.secret-style { color: red }</style>
          <script>var secretScript = 1;</script>
        </head>
        <body>
          <nav><a href="/">Home</a> | <a href="/about">About us</a></nav>
          <header><h1>Site banner</h1></header>
          <main>
            <h1>Main heading</h1>
            <p>Lead   paragraph
               with <a href="https://vpn.example.com">a <b>link</b></a>.</p>
            <h2>Limits</h2>
            <table>
              <tr><th>Plan</th><th>Limit</th></tr>
              <tr><td>Growth</td><td>3,000</td></tr>
              <tr><td>Scale</td><td>10,000</td></tr>
            </table>
            <h3>Details</h3>
            <ul><li>first item</li><li>second <em>item</em></li></ul>
            <script>alert('inline secret')</script>
            <h2>Troubleshooting</h2>
            <p>Restart the adapter.</p>
            <div hidden>hidden secret</div>
            <span aria-hidden="true">aria secret</span>
          </main>
          <aside>Related secret</aside>
          <footer>Copyright secret 2024</footer>
        </body>
        </html>
        """;

    private static ParsedDocument Parse(string html) => new HtmlParser().Parse(html);

    private static DocumentSection SectionContaining(ParsedDocument document, string text) =>
        Assert.Single(document.Sections, s => s.Text.Contains(text, StringComparison.Ordinal));

    [Fact]
    public void Parse_Page_DropsScriptStyleNavHeaderFooterAndHiddenContent()
    {
        var text = Parse(Page).FullText;

        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("About us", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Site banner", text, StringComparison.Ordinal);
        Assert.DoesNotContain("color", text, StringComparison.Ordinal);
        Assert.Contains("Restart the adapter.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TitleElement_IsTheTitleWithWhitespaceCollapsed() => Assert.Equal("VPN access", Parse(Page).Title);

    [Fact]
    public void Parse_NoTitleElement_FirstH1IsTheTitle()
    {
        var document = Parse("<html><body><h2>Intro</h2><p>x</p><h1>First H1</h1><p>y</p><h1>Second H1</h1></body></html>");

        Assert.Equal("First H1", document.Title);
    }

    [Fact]
    public void Parse_NoTitleAndNoH1_HasNoTitle() => Assert.Null(Parse("<p>Just text.</p>").Title);

    [Fact]
    public void Parse_H2AndH3_NestUnderTheirParents()
    {
        var document = Parse(Page);

        Assert.Equal("Main heading", SectionContaining(document, "Lead paragraph").HeadingPathText);
        Assert.Equal("Main heading > Limits", SectionContaining(document, "Growth").HeadingPathText);
        Assert.Equal("Main heading > Limits > Details", SectionContaining(document, "first item").HeadingPathText);
        Assert.Equal("Main heading > Troubleshooting", SectionContaining(document, "Restart the adapter.").HeadingPathText);
    }

    [Fact]
    public void Parse_InlineMarkup_FlattenedWithWhitespaceCollapsed()
    {
        var document = Parse(Page);

        Assert.Equal("Lead paragraph with a link.", SectionContaining(document, "Lead").Text);
    }

    [Fact]
    public void Parse_TableWithHeaderRow_OneLinePerRowWithHeaderPrefixes()
    {
        var lines = SectionContaining(Parse(Page), "Growth").Text.Split("\n\n");

        Assert.Equal(["Plan: Growth; Limit: 3,000", "Plan: Scale; Limit: 10,000"], lines);
    }

    [Fact]
    public void Parse_TableWithTheadAndTbody_UsesTheHeaderCells()
    {
        var document = Parse("""
            <table>
              <thead><tr><th>Region</th><th>Endpoint</th></tr></thead>
              <tbody><tr><td>EU</td><td>eu.vpn.example</td></tr></tbody>
            </table>
            """);

        Assert.Equal("Region: EU; Endpoint: eu.vpn.example", document.FullText);
    }

    [Fact]
    public void Parse_TableWithoutHeaderRow_CellsJoinedWithBars()
    {
        var document = Parse("<table><tr><td>EU</td><td>eu.vpn.example</td></tr><tr><td>US</td><td>us.vpn.example</td></tr></table>");

        Assert.Equal("EU | eu.vpn.example\n\nUS | us.vpn.example", document.FullText);
    }

    [Theory]
    [InlineData("<table><tr></tr></table><p>After.</p>", "After.")]
    [InlineData("<table><tr></tr><tr><td>EU</td><td>eu.vpn.example</td></tr></table>", "EU | eu.vpn.example")]
    public void Parse_TableWithEmptyFirstRow_KeepsTheOtherContent(string html, string expected) =>
        Assert.Equal(expected, Parse(html).FullText);

    [Fact]
    public void Parse_ListItems_OneDashItemEach()
    {
        var section = SectionContaining(Parse(Page), "first item");

        Assert.Equal("- first item\n\n- second item", section.Text);
    }

    [Fact]
    public void Parse_Preformatted_KeepsLineBreaks()
    {
        var document = Parse("<pre>verity sync\n  --all\n  --verbose</pre>");

        Assert.Equal("verity sync\n  --all\n  --verbose", document.FullText);
    }

    [Fact]
    public void Parse_NavigationRole_Dropped()
    {
        var document = Parse("<div role=\"navigation\">Menu links</div><p>Content.</p>");

        Assert.Equal("Content.", document.FullText);
    }

    [Fact]
    public void CanParse_MediaTypes_OnlyHtml()
    {
        var parser = new HtmlParser();

        Assert.True(parser.CanParse(MediaTypes.Html));
        Assert.False(parser.CanParse(MediaTypes.Markdown));
    }
}
