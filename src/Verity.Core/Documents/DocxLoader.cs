using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Verity.Core.Documents;

/// <summary>Word documents: paragraphs in reading order, Title and Heading 1–9 paragraphs as the section structure
/// (as Markdown headings are), tables one line per row with the header row's labels, and the core properties.
/// The body is read as a stream of paragraphs and tables, so a large document is never held whole as a tree.</summary>
public sealed class DocxLoader : IDocumentLoader
{
    private const string Format = "DOCX";

    public IReadOnlyCollection<string> MediaTypes { get; } = [Documents.MediaTypes.Docx];

    public ParsedDocument Load(ReadOnlyMemory<byte> content, DocumentLimits limits, CancellationToken cancellationToken) =>
        OfficePackages.Load(content, limits, Format, (stream, settings) => Read(stream, settings, cancellationToken), cancellationToken);

    private static ParsedDocument Read(Stream stream, OpenSettings settings, CancellationToken cancellationToken)
    {
        using var document = WordprocessingDocument.Open(stream, false, settings);
        var main = document.MainDocumentPart
            ?? throw new DocumentRejectedException("The DOCX file has no main document part; it is not a Word document.");
        var styles = WordHeadingStyles.From(main.StyleDefinitionsPart);
        var builder = new SectionBuilder();
        string? styledTitle = null, firstHeading = null;

        using var reader = OpenXmlReader.Create(main);
        reader.Read();
        while (!reader.EOF)
        {
            if (!reader.IsStartElement || (reader.ElementType != typeof(Paragraph) && reader.ElementType != typeof(Table)))
            {
                reader.Read();
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();

            // Loading moves the reader past the element, so the loop must not read again.
            var element = reader.LoadCurrentElement();
            if (element is Table table)
            {
                foreach (var line in WordText.TableLines(table))
                {
                    builder.Append(line);
                }

                continue;
            }

            var paragraph = (Paragraph)element!;
            var text = WordText.Of(paragraph).Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (styles.LevelOf(paragraph) is { } level)
            {
                var heading = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                if (level == WordHeadingStyles.TitleLevel)
                {
                    styledTitle ??= heading;
                }
                else if (level == 1)
                {
                    firstHeading ??= heading;
                }

                builder.StartSection(level, heading);
                continue;
            }

            builder.Append(paragraph.ParagraphProperties?.NumberingProperties is null ? text : "- " + text);
        }

        return new ParsedDocument(OfficePackages.Title(document) ?? styledTitle ?? firstHeading, builder.Build())
        {
            Properties = OfficePackages.Properties(document),
        };
    }
}

/// <summary>The visible text of Word paragraphs and tables.</summary>
internal static class WordText
{
    public static string Of(OpenXmlElement element)
    {
        var text = new StringBuilder();
        Append(element, text);
        return text.ToString();
    }

    public static IEnumerable<string> TableLines(Table table)
    {
        var rows = table.Descendants<TableRow>()
            .Where(row => row.Ancestors<Table>().First() == table)
            .Select(row => (IReadOnlyList<string>)row.Descendants<TableCell>()
                .Where(cell => cell.Ancestors<TableRow>().First() == row)
                .Select(cell => Collapse(Of(cell)))
                .ToList())
            .Where(cells => cells.Any(c => c.Length > 0))
            .ToList();

        // A one-row table has nothing to label; otherwise the first row names the columns.
        return rows.Count > 1 ? TableRows.Render(rows[0], rows.Skip(1)) : TableRows.Render(null, rows);
    }

    private static void Append(OpenXmlElement element, StringBuilder text)
    {
        foreach (var child in element.ChildElements)
        {
            switch (child)
            {
                case DocumentFormat.OpenXml.Wordprocessing.Text run:
                    text.Append(run.Text);
                    break;
                case TabChar or PositionalTab:
                    text.Append('\t');
                    break;
                case Break or CarriageReturn:
                    text.Append('\n');
                    break;
                case NoBreakHyphen:
                    text.Append('-');
                    break;
                case Paragraph nested:
                    // Paragraphs inside text boxes and table cells.
                    if (text.Length > 0)
                    {
                        text.Append('\n');
                    }

                    Append(nested, text);
                    break;

                // Fallback repeats its Choice; deleted text and field codes are not what a reader sees.
                case AlternateContentFallback or DeletedText or FieldCode or DeletedFieldCode or ParagraphProperties or RunProperties:
                    break;
                default:
                    Append(child, text);
                    break;
            }
        }
    }

    private static string Collapse(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
