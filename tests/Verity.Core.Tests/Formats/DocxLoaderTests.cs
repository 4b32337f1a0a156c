using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Wordprocessing;
using Verity.Core.Documents;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Verity.Core.Tests.Formats;

public sealed class DocxLoaderTests
{
    private static ParsedDocument Load(byte[] docx) => new DocxLoader().Load(docx, DocumentLimits.Default, CancellationToken.None);

    private static DocumentSection SectionContaining(ParsedDocument document, string text) =>
        Assert.Single(document.Sections, s => s.Text.Contains(text, StringComparison.Ordinal));

    [Fact]
    public void Load_TitleAndHeadingStyles_BecomeTheHeadingPath()
    {
        var document = Load(FixtureFiles.StandardDocx());

        Assert.Equal("Remote Access Guide > Setup", SectionContaining(document, "Install the client").HeadingPathText);
        Assert.Equal("Remote Access Guide > Setup > Limits", SectionContaining(document, "Growth").HeadingPathText);
        Assert.Equal("Remote Access Guide > Troubleshooting", SectionContaining(document, "Restart the adapter.").HeadingPathText);
    }

    [Fact]
    public void Load_LocalisedStyleIdNamedHeading3_IsALevelThreeHeading()
    {
        var document = Load(FixtureFiles.StandardDocx());

        Assert.Equal("Remote Access Guide > Setup > Limits > Details", SectionContaining(document, "twelve hours").HeadingPathText);
    }

    [Fact]
    public void Load_Table_OneLinePerRowWithTheHeaderRowsLabels()
    {
        var section = SectionContaining(Load(FixtureFiles.StandardDocx()), "Growth");

        Assert.Equal("Plan: Growth; Limit: 3,000\n\nPlan: Scale; Limit: 10,000", section.Text);
    }

    [Fact]
    public void Load_NumberedParagraphs_BecomeListItems()
    {
        var section = SectionContaining(Load(FixtureFiles.StandardDocx()), "Restart the adapter.");

        Assert.Equal("- Restart the adapter.\n\n- Reconnect from the tray icon.", section.Text);
    }

    [Fact]
    public void Load_CoreProperties_GiveTitleAuthorAndDates()
    {
        var document = Load(FixtureFiles.StandardDocx());

        Assert.Equal("VPN handbook", document.Title);
        Assert.Equal("Ada Lovelace", document.Properties.Author);
        Assert.Equal(new DateTimeOffset(FixtureFiles.Created), document.Properties.Created);
        Assert.Equal(new DateTimeOffset(FixtureFiles.Modified), document.Properties.Modified);
    }

    [Fact]
    public void Load_NoCoreTitle_TitleStyleParagraphIsTheTitle() =>
        Assert.Equal("Remote Access Guide", Load(FixtureFiles.StandardDocx(title: null)).Title);

    [Fact]
    public void Load_NoTitleAnywhere_FirstHeadingOneIsTheTitle()
    {
        var document = Load(FixtureFiles.Docx([FixtureFiles.Paragraph("Overview", "Heading1"), FixtureFiles.Paragraph("Body.")], title: null));

        Assert.Equal("Overview", document.Title);
    }

    [Fact]
    public void Load_OutlineLevelOnTheParagraph_IsAHeading()
    {
        var heading = FixtureFiles.Paragraph("Appendix");
        heading.PrependChild(new ParagraphProperties(new OutlineLevel { Val = 1 }));

        var document = Load(FixtureFiles.Docx([FixtureFiles.Paragraph("Intro", "Heading1"), heading, FixtureFiles.Paragraph("Extra.")]));

        Assert.Equal("Intro > Appendix", SectionContaining(document, "Extra.").HeadingPathText);
    }

    [Fact]
    public void Load_RunsTabsBreaksAndDeletions_ReadAsShown()
    {
        var paragraph = new Paragraph(
            new Run(new W.Text("Port")),
            new Run(new TabChar(), new W.Text("443")),
            new Run(new Break(), new W.Text("UDP ") { Space = SpaceProcessingModeValues.Preserve }),
            new DeletedRun(new Run(new DeletedText("removed"))),
            new Hyperlink(new Run(new W.Text("allowed"))));

        var document = Load(FixtureFiles.Docx([paragraph]));

        Assert.Equal("Port\t443\nUDP allowed", document.FullText);
    }

    [Fact]
    public void Load_StyledNonHeadingParagraph_IsBodyText()
    {
        var document = Load(FixtureFiles.Docx([FixtureFiles.Paragraph("Setup", "Heading1"), FixtureFiles.Paragraph("Quoted words.", "Quote")]));

        Assert.Equal("Setup", SectionContaining(document, "Quoted words.").HeadingPathText);
    }

    [Fact]
    public void Load_ManyParagraphs_AllReadInOrder()
    {
        var paragraphs = Enumerable.Range(1, 500).Select(i => FixtureFiles.Paragraph($"Paragraph {i}."));

        var document = Load(FixtureFiles.Docx(paragraphs));

        Assert.Equal(Enumerable.Range(1, 500).Select(i => $"Paragraph {i}."), document.FullText.Split("\n\n"));
    }

    [Fact]
    public void Load_CancelledToken_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new DocxLoader().Load(FixtureFiles.StandardDocx(), DocumentLimits.Default, cancelled.Token));
    }

    [Fact]
    public async Task Load_ZipWithoutWordParts_Rejected()
    {
        var zip = FixtureFiles.Zip(("readme.txt", "not a document"u8.ToArray()));

        await Damage.AssertRejectedAsync(new DocxLoader(), zip);
    }
}
