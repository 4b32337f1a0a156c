using Verity.Testing.OpenAi;

namespace Verity.Llm.Tests;

public sealed class FakePromptTests
{
    private static string Answer(params (string Role, string Content)[] messages) =>
        FakePrompt.GroundedAnswer(messages.Select(m => new FakeMessage(m.Role, m.Content)).ToList());

    [Theory]
    [InlineData("<source id=\"4\" title=\"T\">Alpha is first. Beta is second.</source>", "Alpha is first. [4]")]
    [InlineData("<SOURCE title='x > y' id='12'>\n  Spread\n over   lines! More.</SOURCE>", "Spread over lines! [12]")]
    [InlineData("<source id=7>No closing stop</source>", "No closing stop [7]")]
    [InlineData("<source id=\"1\">Fish &amp; chips cost &lt;5 euros. Yes.</source>", "Fish & chips cost <5 euros. [1]")]
    [InlineData("Sources:\n[2] Second comes first here. Tail.\n[1] Other.", "Second comes first here. [2]")]
    [InlineData("Source [3]: Colon form works. Tail.", "Colon form works. [3]")]
    [InlineData("Version 2.5 is current. [not a source]", FakePrompt.NoSourceAnswer)]
    public void GroundedAnswer_PromptForms_CiteTheFirstSourcesFirstSentence(string prompt, string expected)
    {
        Assert.Equal(expected, Answer(("user", prompt)));
    }

    [Fact]
    public void GroundedAnswer_SourcesInTheSystemMessage_AreFound()
    {
        var answer = Answer(("system", "<source id=\"5\">Rules apply. Always.</source>"), ("user", "What applies?"));

        Assert.Equal("Rules apply. [5]", answer);
    }

    [Fact]
    public void GroundedAnswer_LastUserMessage_WinsOverEarlierTurns()
    {
        var answer = Answer(
            ("user", "<source id=\"1\">Old turn.</source>"),
            ("assistant", "Old turn. [1]"),
            ("user", "<source id=\"2\">New turn.</source>"));

        Assert.Equal("New turn. [2]", answer);
    }

    [Fact]
    public void GroundedAnswer_VeryLongSentence_IsCut()
    {
        var answer = Answer(("user", "<source id=\"1\">" + string.Join(' ', Enumerable.Repeat("word", 200)) + "</source>"));

        Assert.EndsWith(" [1]", answer, StringComparison.Ordinal);
        Assert.True(answer.Length <= 305, answer.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void FirstSource_NoMessages_IsNull()
    {
        Assert.Null(FakePrompt.FirstSource(""));
        Assert.Equal(FakePrompt.NoSourceAnswer, Answer());
    }
}
