using System.Text;
using Verity.Core.Documents;

namespace Verity.Core.Tests.Formats;

public sealed class FormatDetectorTests
{
    private static string Detect(byte[] content, string? fileName = null, string? declared = null) =>
        FormatDetector.Detect(content, fileName, declared);

    [Theory]
    [InlineData("notes.txt", "text/plain")]
    [InlineData("scan.docx", null)]
    [InlineData(null, "application/octet-stream")]
    public void Detect_PdfContentUnderAnyNameOrType_IsPdf(string? fileName, string? declared) =>
        Assert.Equal(MediaTypes.Pdf, Detect(FixtureFiles.StandardPdf(), fileName, declared));

    [Fact]
    public void Detect_OfficeFilesUnderSwappedNames_ByTheirParts()
    {
        Assert.Equal(MediaTypes.Docx, Detect(FixtureFiles.StandardDocx(), "report.xlsx", MediaTypes.Xlsx));
        Assert.Equal(MediaTypes.Xlsx, Detect(FixtureFiles.StandardXlsx(), "report.pptx"));
        Assert.Equal(MediaTypes.Pptx, Detect(FixtureFiles.StandardPptx(), "report.zip", MediaTypes.OctetStream));
    }

    [Fact]
    public void Detect_TruncatedOfficeFile_StillNamedByTheHeadersBeforeTheCut()
    {
        var docx = FixtureFiles.StandardDocx();

        Assert.Equal(MediaTypes.Docx, Detect(docx[..(docx.Length * 3 / 4)], "report.bin"));
    }

    [Fact]
    public void Detect_OtherZipArchive_IsUnsupportedBinary() =>
        Assert.Equal(MediaTypes.OctetStream, Detect(FixtureFiles.Zip(("a.txt", "text"u8.ToArray())), "archive.docx", MediaTypes.Docx));

    [Theory]
    [InlineData("notes.pdf", null)]
    [InlineData(null, "application/pdf")]
    [InlineData("notes.docx", MediaTypes.Docx)]
    public void Detect_TextClaimingABinaryFormat_IsText(string? fileName, string? declared) =>
        Assert.Equal(MediaTypes.PlainText, Detect("Just some notes."u8.ToArray(), fileName, declared));

    [Fact]
    public void Detect_BinaryJunk_IsUnsupportedBinary()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52];

        Assert.Equal(MediaTypes.OctetStream, Detect(png, "logo.txt", "text/plain"));
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body>x</body></html>")]
    [InlineData("\n  <html lang=\"en\"><p>x</p></html>")]
    public void Detect_HtmlContent_IsHtmlWhateverTheName(string html)
    {
        Assert.Equal(MediaTypes.Html, Detect(Encoding.UTF8.GetBytes(html), "page.txt"));
        Assert.Equal(MediaTypes.Html, Detect([0xFF, 0xFE, .. Encoding.Unicode.GetBytes(html)], "page.md"));
        Assert.Equal(MediaTypes.Html, Detect(Encoding.Unicode.GetBytes(html)));
    }

    [Theory]
    [InlineData("{\"title\": \"x\", \"text\": \"y\"}", MediaTypes.Json)]
    [InlineData("  [ {\"a\": 1}, {\"a\": 2} ]", MediaTypes.Json)]
    [InlineData("{\"a\": 1}\n{\"a\": 2}\n", MediaTypes.JsonLines)]
    public void Detect_JsonContent_ByParsing(string json, string expected) =>
        Assert.Equal(expected, Detect(Encoding.UTF8.GetBytes(json), "data.txt"));

    [Fact]
    public void Detect_OneJsonObjectNamedJsonl_IsJsonLines() =>
        Assert.Equal(MediaTypes.JsonLines, Detect("{\"a\": 1}"u8.ToArray(), "data.jsonl"));

    [Theory]
    [InlineData("[link](https://example.com) starts this Markdown file.", "readme.md", MediaTypes.Markdown)]
    [InlineData("[1] Introduction\n\nText.", "paper.txt", MediaTypes.PlainText)]
    [InlineData("{ not json at all", "notes.md", MediaTypes.Markdown)]
    public void Detect_BracketsThatAreNotJson_KeepTheNamedType(string text, string fileName, string expected) =>
        Assert.Equal(expected, Detect(Encoding.UTF8.GetBytes(text), fileName));

    [Fact]
    public void Detect_LongJsonCutByTheProbe_StillJson()
    {
        var json = "[" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"{{\"text\":\"record {i}\"}}")) + "]";

        Assert.Equal(MediaTypes.Json, Detect(Encoding.UTF8.GetBytes(json), "export"));
    }

    [Fact]
    public void Detect_TextWithoutHints_DeclaredThenExtensionThenPlainText()
    {
        var text = "# Heading\n\nBody."u8.ToArray();

        Assert.Equal(MediaTypes.Csv, Detect(text, "notes.md", "text/csv; charset=utf-8"));
        Assert.Equal(MediaTypes.Markdown, Detect(text, "notes.md"));
        Assert.Equal(MediaTypes.PlainText, Detect(text, "notes"));
    }

    [Fact]
    public void Detect_Latin1Text_IsText() =>
        Assert.Equal(MediaTypes.PlainText, Detect(Encoding.Latin1.GetBytes("Un café crème à la terrasse."), "menu.txt"));
}
