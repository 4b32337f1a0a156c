using System.Security.Cryptography;
using System.Text;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Verity.Benchmarks.Ingest;

/// <summary>Writes a document as a multi-page A4 PDF with PdfPig: headings in bold, paragraphs wrapped to the text
/// width, bullets, tables as aligned rows, a page footer with the page number, and the info dictionary filled in.</summary>
internal static class PdfWriter
{
    private const double Top = 790, Bottom = 60, Left = 56;
    private const double BodySize = 10, HeadingSize = 14, Leading = 13.5;

    // Helvetica at 10 pt averages ~5 pt a character; 92 characters fill the 483 pt between the margins.
    private const int CharactersPerLine = 92;

    public static byte[] Write(DocumentContent document)
    {
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var writer = new PageWriter(builder, regular);

        writer.Line(document.Title, bold, 18, gapBefore: 0);
        writer.Line($"{document.Author}, {document.Modified:yyyy-MM-dd}", regular, BodySize, gapBefore: 4);
        foreach (var section in document.Sections)
        {
            writer.Line(section.Heading, bold, section.Level == 1 ? HeadingSize : 12, gapBefore: 14);
            foreach (var paragraph in section.Paragraphs)
            {
                var gap = 6.0;
                foreach (var line in Wrap(paragraph, CharactersPerLine))
                {
                    writer.Line(line, regular, BodySize, gap);
                    gap = 0;
                }
            }

            foreach (var bullet in section.Bullets)
            {
                var prefix = "-  ";
                foreach (var line in Wrap(bullet, CharactersPerLine - 3))
                {
                    writer.Line(prefix + line, regular, BodySize, gapBefore: 2);
                    prefix = "   ";
                }
            }

            if (section.Table is { } table)
            {
                writer.Line(string.Join("   ", table.Header), bold, BodySize, gapBefore: 8);
                foreach (var row in table.Rows)
                {
                    writer.Line(string.Join("   ", row), regular, BodySize, gapBefore: 1);
                }
            }
        }

        writer.Finish();
        builder.DocumentInformation.Title = document.Title;
        builder.DocumentInformation.Author = document.Author;
        builder.DocumentInformation.CreationDate = $"D:{document.Modified:yyyyMMddHHmmss}Z";
        builder.DocumentInformation.ModifiedDate = $"D:{document.Modified:yyyyMMddHHmmss}Z";
        return WithStableId(builder.Build());
    }

    /// <summary>PdfPig writes a random file identifier into the trailer; this replaces it, in place and at the same
    /// length, with a hash of the content before it, so the file is the same bytes on every run (as the PDF
    /// specification suggests the identifier be made anyway).</summary>
    private static byte[] WithStableId(byte[] pdf)
    {
        var trailer = pdf.AsSpan().LastIndexOf("/ID [ <"u8);
        if (trailer < 0)
        {
            return pdf;
        }

        var hex = Encoding.ASCII.GetBytes(Convert.ToHexString(SHA256.HashData(pdf.AsSpan(0, trailer)))[..32]);
        var first = trailer + "/ID [ <".Length;
        var second = pdf.AsSpan(first + 32).IndexOf((byte)'<') + first + 33;
        hex.CopyTo(pdf, first);
        hex.CopyTo(pdf, second);
        return pdf;
    }

    internal static IEnumerable<string> Wrap(string text, int width)
    {
        var start = 0;
        while (start < text.Length)
        {
            if (text.Length - start <= width)
            {
                yield return text[start..];
                yield break;
            }

            var end = text.LastIndexOf(' ', start + width, width);
            end = end <= start ? start + width : end;
            yield return text[start..end];
            start = end + 1;
        }
    }

    /// <summary>Places lines top to bottom and starts a new page (with a numbered footer) when one is full.</summary>
    private sealed class PageWriter(PdfDocumentBuilder builder, PdfDocumentBuilder.AddedFont footerFont)
    {
        private PdfPageBuilder? _page;
        private double _y;
        private int _pages;

        public void Line(string text, PdfDocumentBuilder.AddedFont font, double size, double gapBefore)
        {
            _y -= gapBefore + Math.Max(Leading, size * 1.3);
            if (_page is null || _y < Bottom)
            {
                Finish();
                _page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
                _pages++;
                _y = Top - size;
            }

            _page.AddText(text, size, new PdfPoint(Left, _y), font);
        }

        public void Finish()
        {
            _page?.AddText($"Page {_pages}", 8, new PdfPoint(Left, 30), footerFont);
            _page = null;
        }
    }
}
