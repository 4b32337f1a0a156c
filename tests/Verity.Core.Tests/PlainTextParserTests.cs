using Verity.Core.Documents;

namespace Verity.Core.Tests;

public sealed class PlainTextParserTests
{
    private static ParsedDocument Parse(string text) => new PlainTextParser().Parse(text);

    [Fact]
    public void Parse_ShortFirstLineThenBlankLine_IsTheTitle()
    {
        var document = Parse("Release notes 2.1\n\nThe sync command is faster.\n\nBug fixes.");

        Assert.Equal("Release notes 2.1", document.Title);
    }

    [Fact]
    public void Parse_Text_IsOneSectionWithoutHeadings()
    {
        var section = Assert.Single(Parse("\n  Release notes\n\nThe sync command is faster.  \n").Sections);

        Assert.Empty(section.HeadingPath);
        Assert.Equal("Release notes\n\nThe sync command is faster.", section.Text);
    }

    [Theory]
    [InlineData("One paragraph without a blank line after it.")]
    [InlineData("First line\nsecond line of the same paragraph\n\nNext paragraph.")]
    [InlineData("\n\nStarts with a blank line.")]
    public void Parse_NoSingleShortFirstLine_HasNoTitle(string text) => Assert.Null(Parse(text).Title);

    [Fact]
    public void Parse_FirstLineLongerThan120Characters_IsNotATitle()
    {
        var longLine = new string('x', 121);

        Assert.Null(Parse(longLine + "\n\nBody.").Title);
        Assert.Equal(new string('x', 120), Parse(new string('x', 120) + "\n\nBody.").Title);
    }

    [Fact]
    public void CanParse_MediaTypes_OnlyPlainText()
    {
        Assert.True(new PlainTextParser().CanParse(MediaTypes.PlainText));
        Assert.False(new PlainTextParser().CanParse(MediaTypes.Markdown));
    }
}
