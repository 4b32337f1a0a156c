using Verity.Core.Documents;

namespace Verity.Core.Tests.Formats;

public sealed class PdfLoaderTests
{
    private static readonly byte[] Standard = FixtureFiles.StandardPdf();

    private static ParsedDocument Load(byte[] pdf, DocumentLimits? limits = null) =>
        new PdfLoader().Load(pdf, limits ?? DocumentLimits.Default, CancellationToken.None);

    [Fact]
    public void Load_ThreePages_OneSectionPerPageNumberedFromOne()
    {
        var document = Load(Standard);

        Assert.Equal([1, 2, 3], document.Sections.Select(s => s.Page));
        Assert.Contains("Sessions expire after twelve hours.", document.Sections[1].Text, StringComparison.Ordinal);
        Assert.Equal("Restart the adapter when the tunnel drops.", document.Sections[2].Text);
        Assert.All(document.Sections, s => Assert.Empty(s.HeadingPath));
    }

    [Fact]
    public void Load_LinesAndGaps_BecomeLineAndParagraphBreaks()
    {
        var document = Load(Standard);

        Assert.Equal("Remote access guide\n\nInstall the client before your first login.", document.Sections[0].Text);
        Assert.Equal("Sessions expire after twelve hours.\nReconnect from the tray icon.", document.Sections[1].Text);
    }

    [Fact]
    public void Load_InformationDictionary_GivesTitleAuthorAndDates()
    {
        var document = Load(Standard);

        Assert.Equal("VPN handbook", document.Title);
        Assert.Equal("Ada Lovelace", document.Properties.Author);
        Assert.Equal(new DateTimeOffset(FixtureFiles.Created), document.Properties.Created);
        Assert.Equal(new DateTimeOffset(FixtureFiles.Modified), document.Properties.Modified);
    }

    [Fact]
    public void Load_NoInformationTitle_HasNoTitle()
    {
        var document = Load(FixtureFiles.Pdf([["Only text."]]));

        Assert.Null(document.Title);
        Assert.Null(document.Properties.Author);
        Assert.Equal("Only text.", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public void Load_BlankPageBetweenPages_KeepsTheOtherPageNumbers()
    {
        var document = Load(FixtureFiles.Pdf([["First page."], [], ["Third page."]]));

        Assert.Equal([1, 3], document.Sections.Select(s => s.Page));
    }

    [Fact]
    public async Task Load_MorePagesThanTheLimit_RejectedNamingTheSetting()
    {
        var pdf = FixtureFiles.Pdf([.. Enumerable.Range(1, 6).Select(i => new[] { $"Page {i}." })]);

        var error = await Damage.AssertRejectedAsync(new PdfLoader(), pdf, DocumentLimits.Default with { MaxPages = 5 });

        Assert.Contains("6 pages", error.Reason, StringComparison.Ordinal);
        Assert.Contains("MaxPages", error.Reason, StringComparison.Ordinal);
        Assert.Equal(6, Load(pdf, DocumentLimits.Default with { MaxPages = 6 }).Sections.Count);
    }

    [Fact]
    public async Task Load_EncryptedPdf_RejectedAsEncrypted()
    {
        var pdf = HandWrittenPdf.OnePage(
            "Secret text",
            trailerExtra: "/Encrypt 6 0 R /ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>] ",
            moreObjects: $"<< /Filter /Standard /V 1 /R 2 /O <{new string('a', 64)}> /U <{new string('b', 64)}> /P -4 >>");

        var error = await Damage.AssertRejectedAsync(new PdfLoader(), pdf);

        Assert.Contains("encrypted", error.Reason, StringComparison.Ordinal);
        Assert.Equal("Secret text", Load(HandWrittenPdf.OnePage("Secret text")).FullText);
    }

    [Fact]
    public async Task Load_TruncatedAtAnyPoint_RejectedAsTruncated()
    {
        foreach (var (label, bytes) in Damage.Truncations(Standard))
        {
            var error = await Damage.AssertRejectedAsync(new PdfLoader(), bytes, because: label);

            Assert.Contains("truncated", error.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_CrossReferenceTableDamaged_RecoveredFromTheObjects()
    {
        var position = System.Text.Encoding.Latin1.GetString(Standard).IndexOf("xref", StringComparison.Ordinal);

        var document = Load(Damage.Scramble(Standard, position, 64));

        Assert.Equal(Load(Standard).FullText, document.FullText);
    }

    [Theory]
    [InlineData("/Type /Catalog")]
    [InlineData("/Type /Pages")]
    public async Task Load_StructureOverwritten_Rejected(string landmark)
    {
        var position = System.Text.Encoding.Latin1.GetString(Standard).IndexOf(landmark, StringComparison.Ordinal);
        Assert.True(position > 0);

        await Damage.AssertRejectedAsync(new PdfLoader(), Damage.Scramble(Standard, position, 64), because: landmark);
    }

    [Fact]
    public async Task Load_HeaderThenNoise_Rejected()
    {
        var noise = Damage.Scramble(Standard, 9, Standard.Length - 30);

        await Damage.AssertRejectedAsync(new PdfLoader(), noise);
    }

    [Fact]
    public async Task Load_AnyFlippedByte_NeverThrowsAnythingButARejection()
    {
        // PDFs carry no checksums, so a flipped byte inside a text stream can go unnoticed; what must never happen
        // is another exception type or a hang.
        for (var position = 0; position < Standard.Length; position += 37)
        {
            var flipped = Damage.Flip(Standard, position);
            var load = Task.Run(() => Load(flipped));
            var finished = await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(10)));

            Assert.Same(load, finished);
            if (load.IsFaulted)
            {
                Assert.IsType<DocumentRejectedException>(load.Exception!.InnerException);
            }
        }
    }

    [Fact]
    public async Task Load_PageWithoutText_RejectedAsNeedingOcr()
    {
        var error = await Damage.AssertRejectedAsync(new PdfLoader(), FixtureFiles.Pdf([[], []]));

        Assert.Contains("OCR", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_NotAPdf_Rejected()
    {
        var error = await Damage.AssertRejectedAsync(new PdfLoader(), "Plain text named .pdf\n%%EOF"u8.ToArray());

        Assert.Contains("%PDF-", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CancelledToken_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new PdfLoader().Load(Standard, DocumentLimits.Default, cancelled.Token));
    }
}
