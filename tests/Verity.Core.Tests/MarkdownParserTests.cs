using Verity.Core.Documents;

namespace Verity.Core.Tests;

public sealed class MarkdownParserTests
{
    private static ParsedDocument Parse(string markdown) => new MarkdownParser().Parse(markdown);

    private static DocumentSection SectionContaining(ParsedDocument document, string text) =>
        Assert.Single(document.Sections, s => s.Text.Contains(text, StringComparison.Ordinal));

    [Fact]
    public void Parse_NestedHeadings_SectionsCarryTheirHeadingPath()
    {
        var document = Parse("""
            # Guide

            Welcome text.

            ## Install

            ### Linux

            Run the Linux installer.

            ### Windows

            Run the Windows installer.

            ## Configure

            Edit the settings file.

            # Appendix

            Extra notes.
            """);

        Assert.Equal(["Guide"], SectionContaining(document, "Welcome text.").HeadingPath);
        Assert.Equal("Guide > Install > Linux", SectionContaining(document, "Linux installer").HeadingPathText);
        Assert.Equal("Guide > Install > Windows", SectionContaining(document, "Windows installer").HeadingPathText);
        Assert.Equal("Guide > Configure", SectionContaining(document, "settings file").HeadingPathText);
        Assert.Equal("Appendix", SectionContaining(document, "Extra notes.").HeadingPathText);
        Assert.Equal(5, document.Sections.Count);
    }

    [Fact]
    public void Parse_TextBeforeFirstHeading_HasEmptyHeadingPath()
    {
        var document = Parse("Preamble text.\n\n# Title\n\nBody.");

        Assert.Empty(SectionContaining(document, "Preamble").HeadingPath);
        Assert.Equal("Title", SectionContaining(document, "Body.").HeadingPathText);
    }

    [Fact]
    public void Parse_SetextHeading_IsASectionLikeAtxHeading()
    {
        var document = Parse("Guide\n=====\n\nInstall\n-------\n\nRun it.");

        Assert.Equal("Guide > Install", SectionContaining(document, "Run it.").HeadingPathText);
        Assert.Equal("Guide", document.Title);
    }

    [Fact]
    public void Parse_FirstH1_IsTheTitle()
    {
        var document = Parse("## Overview\n\nText.\n\n# The *Real* Title\n\nMore.\n\n# Second H1\n\nEnd.");

        Assert.Equal("The Real Title", document.Title);
    }

    [Fact]
    public void Parse_NoH1_HasNoTitle() => Assert.Null(Parse("## Only H2\n\nText.").Title);

    [Fact]
    public void Parse_Links_RenderedAsTheirTextWithoutUrl()
    {
        var document = Parse("""
            Read [the install guide](https://docs.example.com/install "Install") and [the FAQ][faq].

            ![architecture diagram](https://img.example.com/arch.png)

            [faq]: https://docs.example.com/faq
            """);

        var text = document.FullText;
        Assert.Contains("Read the install guide and the FAQ.", text, StringComparison.Ordinal);
        Assert.Contains("architecture diagram", text, StringComparison.Ordinal);
        Assert.DoesNotContain("example.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain("](", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[faq]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmphasisAndInlineCode_RenderedWithoutMarkers()
    {
        var document = Parse("Use **strong** and _light_ words and run `verity sync`.");

        Assert.Equal("Use strong and light words and run verity sync.", document.FullText);
    }

    [Fact]
    public void Parse_PipeTable_OneRowPerLineWithHeaderPrefixes()
    {
        var document = Parse("""
            # Limits

            | Plan | Requests per minute |
            | --- | --- |
            | Growth | 3,000 |
            | Scale | 10,000 |
            """);

        var lines = SectionContaining(document, "Growth").Text.Split('\n');
        Assert.Equal(["Plan: Growth; Requests per minute: 3,000", "Plan: Scale; Requests per minute: 10,000"], lines);
    }

    [Fact]
    public void Parse_TableCellWithLink_KeepsLinkTextOnly()
    {
        var document = Parse("| Tool | Docs |\n| --- | --- |\n| verity | [manual](https://example.com/m) |");

        Assert.Equal("Tool: verity; Docs: manual", document.FullText);
    }

    [Fact]
    public void Parse_FencedCode_KeptVerbatim()
    {
        var document = Parse("""
            # Install

            Run:

            ```bash
            sudo apt install verity
            if [ -f /etc/verity.conf ]; then
                verity sync --all
            fi
            ```
            """);

        var text = SectionContaining(document, "sudo").Text;
        Assert.Contains("sudo apt install verity\nif [ -f /etc/verity.conf ]; then\n    verity sync --all\nfi", text, StringComparison.Ordinal);
        Assert.DoesNotContain("```", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_YamlFrontMatter_NotInText()
    {
        var document = Parse("""
            ---
            title: Front matter title
            owner: platform-team
            ---
            # Runbook

            Page the on-call engineer.
            """);

        Assert.DoesNotContain("platform-team", document.FullText, StringComparison.Ordinal);
        Assert.DoesNotContain("Front matter", document.FullText, StringComparison.Ordinal);
        Assert.Equal("Page the on-call engineer.", document.FullText);
        Assert.Equal("Runbook", document.Title);
    }

    [Fact]
    public void Parse_Lists_KeepOneItemPerLineWithMarkers()
    {
        var document = Parse("""
            - first bullet
            - second bullet
              - nested bullet

            3. third step
            4. fourth step
            """);

        var lines = document.FullText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["- first bullet", "- second bullet", "  - nested bullet", "3. third step", "4. fourth step"], lines);
    }

    [Fact]
    public void Parse_Paragraphs_SeparatedByBlankLine()
    {
        var document = Parse("First paragraph.\n\nSecond paragraph.");

        Assert.Equal("First paragraph.\n\nSecond paragraph.", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public void CanParse_MediaTypes_OnlyMarkdown()
    {
        var parser = new MarkdownParser();

        Assert.True(parser.CanParse(MediaTypes.Markdown));
        Assert.False(parser.CanParse(MediaTypes.Html));
        Assert.False(parser.CanParse(MediaTypes.PlainText));
    }
}
