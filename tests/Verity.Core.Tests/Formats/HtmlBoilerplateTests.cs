using Verity.Core.Documents;

namespace Verity.Core.Tests.Formats;

/// <summary>The HTML parser drops page chrome but not content that merely sits in chrome-like elements.</summary>
public sealed class HtmlBoilerplateTests
{
    private static ParsedDocument Parse(string html) => new HtmlParser().Parse(html);

    [Fact]
    public void Parse_ArticleHeaderAndFooter_KeptAsContent()
    {
        var document = Parse("""
            <body>
              <header>Site banner</header>
              <article>
                <header><h1>Badge policy</h1><p>By the front desk</p></header>
                <p>Lost badges are replaced within one day.</p>
                <footer>Reviewed in March.</footer>
              </article>
              <footer>Copyright 2024</footer>
            </body>
            """);

        Assert.Equal("Badge policy", document.Title);
        Assert.Contains("By the front desk", document.FullText, StringComparison.Ordinal);
        Assert.Contains("Reviewed in March.", document.FullText, StringComparison.Ordinal);
        Assert.DoesNotContain("Site banner", document.FullText, StringComparison.Ordinal);
        Assert.DoesNotContain("Copyright", document.FullText, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PageWrappedInAForm_ContentKeptControlsDropped()
    {
        var document = Parse("""
            <body><form id="form1" method="post">
              <h1>Expenses</h1>
              <p>Claims are paid monthly.</p>
              <select><option>Choose a month</option></select>
              <textarea>Draft text</textarea>
              <button>Submit</button>
            </form></body>
            """);

        Assert.Equal("Claims are paid monthly.", document.FullText);
        Assert.Equal("Expenses", document.Sections[0].HeadingPathText);
    }

    [Fact]
    public void Parse_ScriptsNavigationAndAsides_Dropped()
    {
        var document = Parse("""
            <body><nav>Home | About</nav><main><h2>Rules</h2><p>Keep it tidy.</p>
            <script>track()</script><aside>Related links</aside></main></body>
            """);

        Assert.Equal("Keep it tidy.", document.FullText);
        Assert.Equal("Rules", document.Sections[0].HeadingPathText);
    }
}
