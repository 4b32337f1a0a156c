using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Verity.Benchmarks.Ingest;

/// <summary>Writes a document as DOCX with the Open XML SDK: a Title paragraph, Heading 1 and 2 paragraphs for the
/// sections, body paragraphs, bulleted paragraphs and Word tables, with core properties set.</summary>
internal static class WordWriter
{
    public static byte[] Write(DocumentContent document)
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = new Styles(
                Style("Normal", "Normal"), Style("Title", "Title"), Style("Heading1", "heading 1"), Style("Heading2", "heading 2"),
                Style("ListParagraph", "List Paragraph"));
            var body = new Body();
            body.Append(Paragraph(document.Title, "Title"));
            foreach (var section in document.Sections)
            {
                body.Append(Paragraph(section.Heading, section.Level == 1 ? "Heading1" : "Heading2"));
                body.Append(section.Paragraphs.Select(p => Paragraph(p)));
                body.Append(section.Bullets.Select(Bullet));
                if (section.Table is { } table)
                {
                    body.Append(Table([table.Header, .. table.Rows]));
                    body.Append(Paragraph(""));
                }
            }

            main.Document = new Document(body);
            word.PackageProperties.Title = document.Title;
            word.PackageProperties.Creator = document.Author;
            word.PackageProperties.Created = document.Modified.UtcDateTime;
            word.PackageProperties.Modified = document.Modified.UtcDateTime;
        }

        return stream.ToArray();
    }

    private static Paragraph Paragraph(string text, string? style = null)
    {
        var paragraph = new Paragraph(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        if (style is not null)
        {
            paragraph.PrependChild(new ParagraphProperties(new ParagraphStyleId { Val = style }));
        }

        return paragraph;
    }

    private static Paragraph Bullet(string text)
    {
        var paragraph = Paragraph(text);
        paragraph.PrependChild(new ParagraphProperties(
            new ParagraphStyleId { Val = "ListParagraph" },
            new NumberingProperties(new NumberingLevelReference { Val = 0 }, new NumberingId { Val = 1 })));
        return paragraph;
    }

    private static Table Table(IEnumerable<string[]> rows) =>
        new(rows.Select(cells => new TableRow(cells.Select(cell => new TableCell(Paragraph(cell))))));

    private static Style Style(string id, string name) =>
        new(new StyleName { Val = name }) { Type = StyleValues.Paragraph, StyleId = id };
}
