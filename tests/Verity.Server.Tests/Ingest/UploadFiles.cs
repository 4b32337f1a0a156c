using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Verity.Server.Tests.Ingest;

/// <summary>Files to upload, generated in memory with the libraries that write each format; each carries a word
/// found nowhere else, so a search proves which file was ingested.</summary>
internal static class UploadFiles
{
    /// <summary>A PDF with one page per entry, one line of text per string.</summary>
    public static byte[] Pdf(params string[][] pages)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var lines in pages)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            double y = 780;
            foreach (var line in lines)
            {
                page.AddText(line, 12, new PdfPoint(50, y), font);
                y -= 16;
            }
        }

        return builder.Build();
    }

    /// <summary>A Word document of (style, text) paragraphs; the styles Heading1 and Heading2 are defined.</summary>
    public static byte[] Docx(params (string? Style, string Text)[] paragraphs)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.AddNewPart<StyleDefinitionsPart>().Styles = new W.Styles(
                ParagraphStyle("Normal", "Normal"), ParagraphStyle("Heading1", "heading 1"), ParagraphStyle("Heading2", "heading 2"));
            main.Document = new W.Document(new W.Body(paragraphs.Select(p =>
            {
                var paragraph = new W.Paragraph(new W.Run(new W.Text(p.Text) { Space = SpaceProcessingModeValues.Preserve }));
                if (p.Style is not null)
                {
                    paragraph.PrependChild(new W.ParagraphProperties(new W.ParagraphStyleId { Val = p.Style }));
                }

                return paragraph;
            })));
        }

        return stream.ToArray();
    }

    /// <summary>A workbook with one sheet of inline-string cells.</summary>
    public static byte[] Xlsx(string sheetName, params string[][] rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new S.Workbook(new S.Sheets());
            var worksheet = workbook.AddNewPart<WorksheetPart>();
            worksheet.Worksheet = new S.Worksheet(new S.SheetData(rows.Select((cells, r) => new S.Row(cells.Select((value, c) => new S.Cell(
                new S.InlineString(new S.Text(value)))
            {
                DataType = S.CellValues.InlineString,
                CellReference = $"{(char)('A' + c)}{r + 1}",
            }))
            {
                RowIndex = (uint)(r + 1),
            })));
            workbook.Workbook.Sheets!.Append(new S.Sheet { Id = workbook.GetIdOfPart(worksheet), SheetId = 1, Name = sheetName });
        }

        return stream.ToArray();
    }

    /// <summary>A DOCX-shaped archive whose document part is megabytes of zeros that deflate about a thousandfold.</summary>
    public static byte[] ZipBomb(int megabytes = 16)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = archive.CreateEntry("[Content_Types].xml").Open())
            {
                types.Write("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"u8);
            }

            using var entry = archive.CreateEntry("word/document.xml", CompressionLevel.Optimal).Open();
            var block = new byte[1024 * 1024];
            for (var i = 0; i < megabytes; i++)
            {
                entry.Write(block);
            }
        }

        return stream.ToArray();
    }

    /// <summary>A real DOCX cut short: its archive cannot be read to the end.</summary>
    public static byte[] CorruptDocx()
    {
        var whole = Docx(("Heading1", "Damaged"), (null, string.Join(' ', Enumerable.Repeat("Unreadable paragraph text.", 200))));
        return whole[..(whole.Length * 6 / 10)];
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static W.Style ParagraphStyle(string id, string name) =>
        new(new W.StyleName { Val = name }) { Type = W.StyleValues.Paragraph, StyleId = id };
}
