using Verity.Core.Documents;

namespace Verity.Core.Tests.Formats;

public sealed class PptxLoaderTests
{
    private static ParsedDocument Load(byte[] pptx) => new PptxLoader().Load(pptx, DocumentLimits.Default, CancellationToken.None);

    [Fact]
    public void Load_Slides_OneSectionPerSlideNumberedLikeTheSlide()
    {
        var document = Load(FixtureFiles.StandardPptx());

        Assert.Equal([1, 2, 3], document.Sections.Select(s => s.Page));
    }

    [Fact]
    public void Load_TitlePlaceholder_IsTheHeadingAndNotRepeatedInTheText()
    {
        var document = Load(FixtureFiles.StandardPptx());

        Assert.Equal(["Agenda"], document.Sections[0].HeadingPath);
        Assert.Equal("Results\nHiring plan", document.Sections[0].Text);
        Assert.Empty(document.Sections[2].HeadingPath);
        Assert.Equal("Questions welcome.", document.Sections[2].Text);
    }

    [Fact]
    public void Load_TableAndNotes_FollowTheBodyText()
    {
        var slide = Load(FixtureFiles.StandardPptx()).Sections[1];

        Assert.Equal(
            "Revenue grew in every region.\n\nRegion: EU; Revenue: 1,200\n\nRegion: US; Revenue: 3,400\n\nNotes: Mention the EU launch.",
            slide.Text);
    }

    [Fact]
    public void Load_EmptySlide_SkippedButLaterSlidesKeepTheirNumbers()
    {
        var document = Load(FixtureFiles.Pptx([new SlideContent("One", ["a"]), new SlideContent(null, []), new SlideContent("Three", ["c"])]));

        Assert.Equal([1, 3], document.Sections.Select(s => s.Page));
    }

    [Fact]
    public void Load_CoreProperties_GiveTitleAuthorAndModified()
    {
        var document = Load(FixtureFiles.StandardPptx());

        Assert.Equal("Quarterly review", document.Title);
        Assert.Equal("Ada Lovelace", document.Properties.Author);
        Assert.Equal(new DateTimeOffset(FixtureFiles.Modified), document.Properties.Modified);
        Assert.Null(document.Properties.Created);
    }

    [Fact]
    public void Load_NoCoreTitle_FirstSlideTitleIsTheTitle() =>
        Assert.Equal("Agenda", Load(FixtureFiles.Pptx([new SlideContent("Agenda", ["x"])], title: null)).Title);

    [Fact]
    public void Load_CancelledToken_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new PptxLoader().Load(FixtureFiles.StandardPptx(), DocumentLimits.Default, cancelled.Token));
    }
}
