using Verity.Core.Text;

namespace Verity.Core.Tests;

public sealed class SentencesTests
{
    [Fact]
    public void Split_Prose_OneEntryPerSentence() =>
        Assert.Equal(
            ["Restart the client.", "Is it working?", "Great!", "3 retries are allowed.", "\"Quoted\" starts too."],
            Sentences.Split("Restart the client. Is it working? Great! 3 retries are allowed. \"Quoted\" starts too."));

    [Fact]
    public void Split_AbbreviationsAndDecimals_NotSplit() =>
        Assert.Equal(
            ["Use a tool, e.g. the cli, at version 2.5 or later."],
            Sentences.Split("Use a tool, e.g. the cli, at version 2.5 or later."));

    [Fact]
    public void Split_ListItemsAndLines_SeparateEntriesWithoutMarkers() =>
        Assert.Equal(
            ["First bullet", "Second bullet", "Numbered step", "Other step", "Plain line"],
            Sentences.Split("- First bullet\n* Second bullet\n1. Numbered step\n2) Other step\n\n  Plain line  "));

    [Fact]
    public void Split_Empty_Nothing() => Assert.Empty(Sentences.Split(" \n\n "));
}
