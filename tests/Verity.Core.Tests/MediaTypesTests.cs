using Verity.Core.Documents;

namespace Verity.Core.Tests;

public sealed class MediaTypesTests
{
    [Theory]
    [InlineData("notes.txt", MediaTypes.PlainText)]
    [InlineData("docs/README.MD", MediaTypes.Markdown)]
    [InlineData("guide.markdown", MediaTypes.Markdown)]
    [InlineData("/srv/wiki/page.htm", MediaTypes.Html)]
    [InlineData("page.html", MediaTypes.Html)]
    public void FromExtension_KnownExtension_ReturnsMediaType(string path, string expected) =>
        Assert.Equal(expected, MediaTypes.FromExtension(path));

    [Theory]
    [InlineData("image.png")]
    [InlineData("archive.tar.gz")]
    [InlineData("Makefile")]
    public void FromExtension_UnknownExtension_ReturnsNull(string path) => Assert.Null(MediaTypes.FromExtension(path));

    [Theory]
    [InlineData("<!DOCTYPE html><html><body>x</body></html>")]
    [InlineData("\n   <html lang=\"en\"><body>x</body></html>")]
    public void Sniff_HtmlContentDeclaredAsText_IsHtml(string text) =>
        Assert.Equal(MediaTypes.Html, MediaTypes.Sniff(MediaTypes.PlainText, text));

    [Theory]
    [InlineData(MediaTypes.PlainText, "Plain <b>text</b> mentioning <html> later.")]
    [InlineData(MediaTypes.Markdown, "# Title\n\n<div>inline html</div>")]
    [InlineData(MediaTypes.Html, "no markup at all")]
    public void Sniff_OtherContent_KeepsDeclaredType(string declared, string text) =>
        Assert.Equal(declared, MediaTypes.Sniff(declared, text));

    [Fact]
    public void IsText_MediaTypes_TextFormatsButNotContainers()
    {
        Assert.True(MediaTypes.IsText(MediaTypes.PlainText));
        Assert.True(MediaTypes.IsText(MediaTypes.Markdown));
        Assert.True(MediaTypes.IsText(MediaTypes.Html));
        Assert.False(MediaTypes.IsText(MediaTypes.Pdf));
        Assert.False(MediaTypes.IsText(MediaTypes.Docx));
        Assert.All(MediaTypes.SupportedExtensions, e => Assert.NotNull(MediaTypes.FromExtension("file" + e)));
    }
}
