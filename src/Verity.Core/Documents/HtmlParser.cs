using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Verity.Core.Documents;

/// <summary>HTML through AngleSharp: drops scripts, styles, navigation, page-level headers and footers and form
/// controls; h1–h6 become the section structure; tables become one line per row.</summary>
public sealed class HtmlParser : IDocumentParser
{
    // Form controls go, but not <form> itself: ASP.NET WebForms pages wrap their whole body in one.
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "nav", "aside", "button", "svg", "iframe", "object", "embed",
        "select", "textarea", "head",
    };

    // A <header> or <footer> is page chrome only at page level; inside an article or section it holds that
    // content's own title, byline or notes (HTML's sectioning rules, which decide the banner role the same way).
    private static readonly HashSet<string> Sectioning = new(StringComparer.OrdinalIgnoreCase)
    {
        "article", "section", "main", "aside", "nav",
    };

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "li",
        "table", "tr", "figure", "figcaption", "address", "details", "summary", "br", "hr",
    };

    public bool CanParse(string mediaType) => mediaType == MediaTypes.Html;

    public ParsedDocument Parse(string text)
    {
        var parser = new AngleSharp.Html.Parser.HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = parser.ParseDocument(text);
        var builder = new SectionBuilder();
        var paragraph = new StringBuilder();
        string? firstH1 = null;

        void FlushParagraph()
        {
            var value = Collapse(paragraph.ToString());
            paragraph.Clear();
            if (value.Length > 0)
            {
                builder.Append(value);
            }
        }

        void Walk(INode node)
        {
            foreach (var child in node.ChildNodes)
            {
                if (child is IText textNode)
                {
                    paragraph.Append(textNode.Data);
                    continue;
                }

                if (child is not IElement element || Dropped.Contains(element.LocalName) || IsPageChrome(element)
                    || element.GetAttribute("role") is "navigation" or "banner" or "contentinfo"
                    || element.HasAttribute("hidden") || element.GetAttribute("aria-hidden") == "true")
                {
                    continue;
                }

                var name = element.LocalName;
                if (name.Length == 2 && name[0] == 'h' && name[1] is >= '1' and <= '6')
                {
                    FlushParagraph();
                    var heading = Collapse(element.TextContent);
                    if (name == "h1")
                    {
                        firstH1 ??= heading;
                    }

                    builder.StartSection(name[1] - '0', heading);
                    continue;
                }

                if (name == "table")
                {
                    FlushParagraph();
                    var rows = element.QuerySelectorAll("tr")
                        .Where(r => r.Closest("table") == element)
                        .Select(r => (IReadOnlyList<string>)r.Children.Where(c => c.LocalName is "td" or "th").Select(c => Collapse(c.TextContent)).ToList())
                        .Where(r => r.Count > 0)
                        .ToList();
                    var firstRow = element.QuerySelector("tr");
                    var hasHeader = firstRow is not null && firstRow.Children.Length > 0
                        && firstRow.Children.All(c => c.LocalName == "th");
                    foreach (var line in TableRows.Render(hasHeader ? rows[0] : null, hasHeader ? rows.Skip(1) : rows))
                    {
                        builder.Append(line);
                    }

                    continue;
                }

                if (name == "li")
                {
                    FlushParagraph();
                    paragraph.Append("- ");
                    Walk(element);
                    FlushParagraph();
                    continue;
                }

                if (name == "pre")
                {
                    FlushParagraph();
                    builder.Append(element.TextContent);
                    continue;
                }

                var block = BlockElements.Contains(name);
                if (block)
                {
                    FlushParagraph();
                }

                Walk(element);
                if (block)
                {
                    FlushParagraph();
                }
            }
        }

        if (document.Body is not null)
        {
            Walk(document.Body);
        }

        FlushParagraph();
        var title = Collapse(document.Title ?? "");
        return new ParsedDocument(title.Length > 0 ? title : firstH1, builder.Build());
    }

    private static bool IsPageChrome(IElement element)
    {
        if (element.LocalName is not ("header" or "footer"))
        {
            return false;
        }

        for (var parent = element.ParentElement; parent is not null; parent = parent.ParentElement)
        {
            if (Sectioning.Contains(parent.LocalName))
            {
                return false;
            }
        }

        return true;
    }

    private static string Collapse(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
