using System.Globalization;
using System.Text;

namespace Verity.Core.Tests.Formats;

/// <summary>PDFs written byte by byte, for what a PDF library will not write: an encryption dictionary, a page
/// tree that claims more pages than it has.</summary>
internal static class HandWrittenPdf
{
    /// <summary>A PDF of the given objects (numbered from 1) with a correct cross-reference table.</summary>
    public static byte[] Build(IReadOnlyList<string> objects, string trailerExtra = "")
    {
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(Encoding.Latin1.GetByteCount(pdf.ToString()));
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = Encoding.Latin1.GetByteCount(pdf.ToString());
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R {trailerExtra}>>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }

    /// <summary>One page of text in Helvetica, in a page tree whose count says <paramref name="claimedPages"/>.</summary>
    public static byte[] OnePage(string text, int claimedPages = 1, string trailerExtra = "", params string[] moreObjects)
    {
        var content = $"BT /F1 12 Tf 50 700 Td ({text}) Tj ET";
        return Build(
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                $"<< /Type /Pages /Kids [3 0 R] /Count {claimedPages} >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
                $"<< /Length {content.Length} >>\nstream\n{content}\nendstream",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                .. moreObjects,
            ],
            trailerExtra);
    }
}
