using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Verity.Core.Documents;

/// <summary>Markdown through Markdig's syntax tree: headings become the section structure; paragraphs, lists,
/// tables and code keep their shape as plain text, without link targets or emphasis markers.</summary>
public sealed class MarkdownParser : IDocumentParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseYamlFrontMatter()
        .Build();

    public bool CanParse(string mediaType) => mediaType == MediaTypes.Markdown;

    public ParsedDocument Parse(string text)
    {
        var document = Markdown.Parse(text, Pipeline);
        var builder = new SectionBuilder();
        string? title = null;

        foreach (var block in document)
        {
            if (block is HeadingBlock heading)
            {
                var headingText = InlineText(heading.Inline).Trim();
                if (heading.Level == 1 && title is null)
                {
                    title = headingText;
                }

                builder.StartSection(heading.Level, headingText);
                continue;
            }

            if (block is Markdig.Extensions.Yaml.YamlFrontMatterBlock)
            {
                continue;
            }

            var content = new StringBuilder();
            AppendBlock(content, block, text, indent: "");
            builder.Append(content.ToString());
        }

        return new ParsedDocument(title, builder.Build());
    }

    private static void AppendBlock(StringBuilder output, Block block, string source, string indent)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                output.Append(indent).Append(InlineText(paragraph.Inline)).Append('\n');
                break;
            case ListBlock list:
                var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    var marker = list.IsOrdered ? $"{number++}. " : "- ";
                    var itemText = new StringBuilder();
                    foreach (var child in item)
                    {
                        AppendBlock(itemText, child, source, "");
                    }

                    output.Append(indent).Append(marker).Append(itemText.ToString().TrimEnd().Replace("\n", "\n" + indent + "  ", StringComparison.Ordinal)).Append('\n');
                }

                break;
            case Table table:
                List<string>? header = null;
                var body = new List<IReadOnlyList<string>>();
                foreach (var row in table.OfType<TableRow>())
                {
                    var cells = row.OfType<TableCell>().Select(cell =>
                    {
                        var cellText = new StringBuilder();
                        foreach (var child in cell)
                        {
                            AppendBlock(cellText, child, source, "");
                        }

                        return cellText.ToString().Trim();
                    }).ToList();
                    if (row.IsHeader && header is null)
                    {
                        header = cells;
                    }
                    else
                    {
                        body.Add(cells);
                    }
                }

                foreach (var line in TableRows.Render(header, body))
                {
                    output.Append(indent).Append(line).Append('\n');
                }

                break;
            case LeafBlock leaf when leaf is CodeBlock or HtmlBlock:
                output.Append(leaf.Lines.ToString()).Append('\n');
                break;
            case LinkReferenceDefinitionGroup:
                break;
            case ContainerBlock container:
                foreach (var child in container)
                {
                    AppendBlock(output, child, source, indent);
                }

                break;
            case HeadingBlock heading:
                output.Append(InlineText(heading.Inline)).Append('\n');
                break;
            case ThematicBreakBlock:
                break;
            default:
                if (block.Span.Length > 0 && block.Span.End < source.Length)
                {
                    output.Append(source, block.Span.Start, block.Span.Length).Append('\n');
                }

                break;
        }
    }

    private static string InlineText(ContainerInline? inline)
    {
        if (inline is null)
        {
            return "";
        }

        var output = new StringBuilder();
        AppendInline(output, inline);
        return output.ToString();
    }

    private static void AppendInline(StringBuilder output, Inline inline)
    {
        switch (inline)
        {
            case LiteralInline literal:
                output.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                output.Append(code.Content);
                break;
            case LineBreakInline:
                output.Append('\n');
                break;
            case HtmlEntityInline entity:
                output.Append(entity.Transcoded.ToString());
                break;
            case AutolinkInline autolink:
                output.Append(autolink.Url);
                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    AppendInline(output, child);
                }

                break;
        }
    }
}
