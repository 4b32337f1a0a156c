using System.Text;
using Verity.Core.Documents;

namespace Verity.Core.Tests.Formats;

/// <summary>Every format end to end through <see cref="DocumentFormats.CreateDefault()"/>: detected from its content
/// (under a misleading name), then loaded.</summary>
public sealed class DocumentFormatsTests
{
    private static readonly DocumentFormats Formats = DocumentFormats.CreateDefault();

    public static TheoryData<string, string, string> Fixtures => new()
    {
        { "pdf", MediaTypes.Pdf, "Sessions expire after twelve hours." },
        { "docx", MediaTypes.Docx, "Plan: Growth; Limit: 3,000" },
        { "pptx", MediaTypes.Pptx, "Region: EU; Revenue: 1,200" },
        { "xlsx", MediaTypes.Xlsx, "Region: EU; Endpoint: eu.vpn.example" },
        { "csv", MediaTypes.Csv, "Plan: Growth; Limit: 3,000" },
        { "json", MediaTypes.Json, "Emptied every Friday." },
        { "jsonl", MediaTypes.JsonLines, "Racks behind reception." },
        { "html", MediaTypes.Html, "Plan: Growth; Limit: 3,000" },
        { "md", MediaTypes.Markdown, "Plan: Growth; Limit: 3,000" },
        { "txt", MediaTypes.PlainText, "Sessions expire after twelve hours." },
    };

    private static byte[] Fixture(string kind) => kind switch
    {
        "pdf" => FixtureFiles.StandardPdf(),
        "docx" => FixtureFiles.StandardDocx(),
        "pptx" => FixtureFiles.StandardPptx(),
        "xlsx" => FixtureFiles.StandardXlsx(),
        "csv" => "Plan,Limit\nGrowth,\"3,000\"\n"u8.ToArray(),
        "json" => """[{"title": "Lockers", "text": "Emptied every Friday."}, {"title": "Bikes", "text": "x"}]"""u8.ToArray(),
        "jsonl" => "{\"title\": \"Bikes\", \"text\": \"Racks behind reception.\"}\n{\"text\": \"y\"}\n"u8.ToArray(),
        "html" => "<!doctype html><title>Plans</title><table><tr><th>Plan</th><th>Limit</th></tr><tr><td>Growth</td><td>3,000</td></tr></table>"u8.ToArray(),
        "md" => "# Plans\n\n| Plan | Limit |\n|---|---|\n| Growth | 3,000 |\n"u8.ToArray(),
        _ => "Sessions\n\nSessions expire after twelve hours.\n"u8.ToArray(),
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Load_EveryFixture_DetectedByContentAndRead(string kind, string mediaType, string expectedText)
    {
        var bytes = Fixture(kind);
        var detected = DocumentFormats.Detect(bytes, kind is "md" or "csv" or "txt" ? $"file.{kind}" : "misnamed.bin", null);

        var document = Formats.Load(bytes, detected, DocumentLimits.Default, CancellationToken.None);

        Assert.Equal(mediaType, detected);
        Assert.Contains(expectedText, document.FullText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Load_CancelledToken_ThrowsOperationCanceledForEveryFormat(string kind, string mediaType, string expectedText)
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Formats.Load(Fixture(kind), mediaType, DocumentLimits.Default, cancelled.Token));
        Assert.NotEmpty(expectedText);
    }

    [Fact]
    public void SupportedMediaTypes_Default_EveryFormat()
    {
        Assert.Equal(
            new[] { MediaTypes.PlainText, MediaTypes.Markdown, MediaTypes.Html, MediaTypes.Csv, MediaTypes.Json, MediaTypes.JsonLines, MediaTypes.Pdf, MediaTypes.Docx, MediaTypes.Pptx, MediaTypes.Xlsx }.Order(StringComparer.Ordinal),
            Formats.SupportedMediaTypes);
        Assert.False(Formats.IsSupported(MediaTypes.OctetStream));
    }

    [Fact]
    public void EnsureSupported_BinaryJunk_ReasonSaysBinaryAndListsFormats()
    {
        var error = Assert.Throws<DocumentRejectedException>(() => Formats.EnsureSupported(MediaTypes.OctetStream));

        Assert.Contains("binary", error.Reason, StringComparison.Ordinal);
        Assert.Contains("DOCX", error.Reason, StringComparison.Ordinal);
        Assert.Contains("image/png", Assert.Throws<DocumentRejectedException>(() => Formats.EnsureSupported("image/png")).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CsvOverTheRowLimit_LimitsReachTheTextParser()
    {
        var csv = Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 5).Select(i => $"{i},x")));

        var error = Assert.Throws<DocumentRejectedException>(
            () => Formats.Load(csv, MediaTypes.Csv, DocumentLimits.Default with { MaxRows = 4 }, CancellationToken.None));

        Assert.Contains("MaxRows", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Windows1252Csv_DecodedAndParsed()
    {
        var csv = Encoding.Latin1.GetBytes("Plat;Prix\nCrème brûlée;4,50\n");

        var document = Formats.Load(csv, DocumentFormats.Detect(csv, "menu.csv", null), DocumentLimits.Default, CancellationToken.None);

        Assert.Equal("Plat: Crème brûlée; Prix: 4,50", document.FullText);
    }

    [Fact]
    public void Load_OverTheByteLimit_RejectedBeforeReading()
    {
        var error = Assert.Throws<DocumentRejectedException>(
            () => Formats.Load(FixtureFiles.StandardPdf(), MediaTypes.Pdf, DocumentLimits.Default with { MaxBytes = 100 }, CancellationToken.None));

        Assert.Contains("MaxDocumentBytes", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateDefault_JsonOptions_UsedByTheJsonParser()
    {
        var options = new JsonFormatOptions { TitleField = "name" };
        options.TextFields.Add("summary");
        var json = """{"name": "Outage", "summary": "VPN down."}"""u8.ToArray();

        var document = DocumentFormats.CreateDefault(options).Load(json, MediaTypes.Json, DocumentLimits.Default, CancellationToken.None);

        Assert.Equal("Outage", document.Title);
        Assert.Equal("VPN down.", document.FullText);
    }
}
