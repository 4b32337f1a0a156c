using Verity.Core;
using Verity.Evaluation.Load;

namespace Verity.Evaluation.Tests.Load;

public sealed class LoadQueriesTests
{
    [Fact]
    public void Parse_JsonLinesAndPlainText_TakesQuestionThenQueryThenTheLineAndSkipsBlanks()
    {
        string[] lines =
        [
            """{"question": "How many leave days?", "query": "ignored", "expected": "x"}""",
            "",
            """{"query": "rotate TLS certificates"}""",
            "   ",
            "Who approves production access?",
            """{"question": "   "}""",
        ];

        var queries = LoadQueries.Parse(lines, "test");

        Assert.Equal(["How many leave days?", "rotate TLS certificates", "Who approves production access?"], queries);
    }

    [Fact]
    public void Parse_MalformedJsonLine_ThrowsNamingTheLine()
    {
        var e = Assert.Throws<InvalidRequestException>(() => LoadQueries.Parse(["plain", "{\"question\": \"unterminated"], "q.jsonl"));

        Assert.Contains("Line 2 of 'q.jsonl'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonLineWithoutQuestionOrQuery_ThrowsNamingTheLine()
    {
        var e = Assert.Throws<InvalidRequestException>(() => LoadQueries.Parse(["{\"text\": \"hello\"}"], "q.jsonl"));

        Assert.Contains("Line 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"question\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoFileGivenBelowADemoFolder_UsesTheNearestDemoQuestions()
    {
        var root = Directory.CreateTempSubdirectory("verity-load-queries-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "demo"));
            File.WriteAllLines(Path.Combine(root.FullName, "demo", "questions.jsonl"), ["""{"question": "one?"}""", """{"question": "two?"}"""]);
            var deep = Directory.CreateDirectory(Path.Combine(root.FullName, "a", "b"));

            var (queries, source) = LoadQueries.Resolve(null, deep.FullName);

            Assert.Equal(["one?", "two?"], queries);
            Assert.Equal(Path.Combine(root.FullName, "demo", "questions.jsonl"), source);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Resolve_NoFileGivenAndNoDemoFolderAbove_UsesTheBuiltInList()
    {
        var root = Directory.CreateTempSubdirectory("verity-load-queries-");
        try
        {
            var (queries, source) = LoadQueries.Resolve(null, root.FullName);

            // Unless the machine's temp folder itself sits below a demo/questions.jsonl.
            if (LoadQueries.FindUpwards(root.FullName, LoadQueries.DemoQuestionsPath) is null)
            {
                Assert.Equal("built-in", source);
                Assert.Same(LoadQueries.BuiltIn, queries);
            }

            Assert.InRange(LoadQueries.BuiltIn.Count, 15, 30);
            Assert.All(LoadQueries.BuiltIn, q => Assert.False(string.IsNullOrWhiteSpace(q)));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Resolve_PlainTextFile_ReadsOneQueryPerLine()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["first question", "", "second question"]);

            var (queries, source) = LoadQueries.Resolve(file, "/");

            Assert.Equal(["first question", "second question"], queries);
            Assert.Equal(file, source);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ReadFile_MissingOrEmptyFile_ThrowsAClearError()
    {
        var missing = Assert.Throws<InvalidRequestException>(() => LoadQueries.ReadFile("/nonexistent/queries.jsonl"));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);

        var file = Path.GetTempFileName();
        try
        {
            var empty = Assert.Throws<InvalidRequestException>(() => LoadQueries.ReadFile(file));
            Assert.Contains("holds no queries", empty.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
