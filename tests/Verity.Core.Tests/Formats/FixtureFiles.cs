using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Verity.Core.Tests.Formats;

/// <summary>Generates the test documents in memory with the libraries that write each format, so no binary
/// fixture is committed and each test can say exactly what its document contains.</summary>
internal static partial class FixtureFiles
{
    public static readonly DateTime Created = new(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    public static readonly DateTime Modified = new(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    /// <summary>A PDF with one page per entry; each string is a line, and an empty string leaves a paragraph gap.</summary>
    public static byte[] Pdf(IReadOnlyList<string[]> pages, string? title = null, string? author = null)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var lines in pages)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            double y = 780;
            foreach (var line in lines)
            {
                if (line.Length > 0)
                {
                    page.AddText(line, 12, new PdfPoint(50, y), font);
                }

                y -= line.Length > 0 ? 16 : 24;
            }
        }

        builder.DocumentInformation.Title = title;
        builder.DocumentInformation.Author = author;
        builder.DocumentInformation.CreationDate = "D:20240102030405Z";
        builder.DocumentInformation.ModifiedDate = "D:20240506070809Z";
        return builder.Build();
    }

    /// <summary>The standard PDF: three pages of text, with a title and an author.</summary>
    public static byte[] StandardPdf() => Pdf(
        [
            ["Remote access guide", "", "Install the client before your first login."],
            ["Sessions expire after twelve hours.", "Reconnect from the tray icon."],
            ["Restart the adapter when the tunnel drops."],
        ],
        title: "VPN handbook",
        author: "Ada Lovelace");

    /// <summary>A Word document with the given body, a style sheet defining Title and Heading 1–3 (Heading 3 under
    /// a localised id, as German Word writes it) and core properties.</summary>
    public static byte[] Docx(IEnumerable<OpenXmlElement> body, string? title = "VPN handbook")
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new Styles(
                ParagraphStyle("Normal", "Normal"),
                ParagraphStyle("Title", "Title"),
                ParagraphStyle("Heading1", "heading 1"),
                ParagraphStyle("Heading2", "heading 2"),
                ParagraphStyle("berschrift3", "heading 3"),
                ParagraphStyle("Quote", "Quote"));
            main.Document = new Document(new Body(body));
            document.PackageProperties.Title = title;
            document.PackageProperties.Creator = "Ada Lovelace";
            document.PackageProperties.Created = Created;
            document.PackageProperties.Modified = Modified;
        }

        return stream.ToArray();
    }

    /// <summary>The standard Word document: title, nested headings, a table and a list.</summary>
    public static byte[] StandardDocx(string? title = "VPN handbook") => Docx(
        [
            Paragraph("Remote Access Guide", "Title"),
            Paragraph("Setup", "Heading1"),
            Paragraph("Install the client before your first login."),
            Paragraph("Limits", "Heading2"),
            WordTable(["Plan", "Limit"], ["Growth", "3,000"], ["Scale", "10,000"]),
            Paragraph("Details", "berschrift3"),
            Paragraph("Sessions expire after twelve hours."),
            Paragraph("Troubleshooting", "Heading1"),
            ListItem("Restart the adapter."),
            ListItem("Reconnect from the tray icon."),
        ],
        title);

    public static Paragraph Paragraph(string text, string? style = null)
    {
        var paragraph = new Paragraph(new Run(new DocumentFormat.OpenXml.Wordprocessing.Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        if (style is not null)
        {
            paragraph.PrependChild(new ParagraphProperties(new ParagraphStyleId { Val = style }));
        }

        return paragraph;
    }

    public static Paragraph ListItem(string text)
    {
        var paragraph = Paragraph(text);
        paragraph.PrependChild(new ParagraphProperties(new NumberingProperties(
            new NumberingLevelReference { Val = 0 }, new NumberingId { Val = 1 })));
        return paragraph;
    }

    public static Table WordTable(params string[][] rows) =>
        new(rows.Select(cells => new TableRow(cells.Select(cell => new TableCell(Paragraph(cell))))));

    private static Style ParagraphStyle(string id, string name) =>
        new(new StyleName { Val = name }) { Type = StyleValues.Paragraph, StyleId = id };

    /// <summary>A zip archive of the given entries, written with <see cref="ZipArchive"/>.</summary>
    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
                entry.Write(content);
            }
        }

        return stream.ToArray();
    }

    /// <summary>A DOCX-shaped zip bomb: its document part is <paramref name="zeroBytes"/> of zeros, which deflate
    /// to about a thousandth of that. Written in blocks, so making it never holds the expanded size.</summary>
    public static byte[] ZipBomb(string mainPart = "word/document.xml", long zeroBytes = 300L * 1024 * 1024)
    {
        using var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = archive.CreateEntry("[Content_Types].xml").Open())
            {
                types.Write("<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"u8);
            }

            using var entry = archive.CreateEntry(mainPart, CompressionLevel.Optimal).Open();
            var block = new byte[1024 * 1024];
            for (long written = 0; written < zeroBytes; written += block.Length)
            {
                entry.Write(block);
            }
        }

        return stream.ToArray();
    }
}
