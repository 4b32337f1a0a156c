using System.Text;
using Verity.Core.Generation;
using Verity.Core.Guardrails;

namespace Verity.Core.Tests.Generation;

public sealed class AnswerStreamFilterTests
{
    private static readonly string[] Pieces =
    [
        "The", "fee", "is", "monthly", "alpha", "beta", " ", " ", " ", "  ", "\n", "\n\n", ".", ". ", "! ", "? ", ",", "…",
        "[1]", "[2]", "[3]", "[0]", "[4]", "[9]", "[12]", "[123]", "[1234]", "[12345]", "[", "]", "[x]", "[1", "2]", "[ 2 ]",
        "jane.doe@example.com", "+44 20 7946 0958", "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32",
    ];

    private static readonly string[] RawPii = ["jane.doe@example.com", "7946 0958", "4111 1111", "GB82 WEST"];

    // What the filter must produce for the whole answer, computed by the non-streaming parts.
    private static (string Text, IReadOnlyList<int> Removed) Expected(string answer, int sources, PiiRedactor? redactor)
    {
        var strip = CitationChecker.StripInvalid(answer, sources);
        return (redactor?.Redact(strip.Text).Text ?? strip.Text, strip.Removed);
    }

    private static string RandomAnswer(Random random, int pieces)
    {
        var text = new StringBuilder();
        for (var i = 0; i < pieces; i++)
        {
            text.Append(Pieces[random.Next(Pieces.Length)]);
            if (random.Next(3) == 0)
            {
                text.Append(' ');
            }
        }

        return text.ToString();
    }

    private static List<string> RandomSplit(Random random, string text)
    {
        var deltas = new List<string>();
        for (var start = 0; start < text.Length;)
        {
            // Mostly short deltas, as models stream them, sometimes single characters, sometimes long runs.
            var length = Math.Min(text.Length - start, random.Next(4) switch { 0 => 1, 1 => random.Next(1, 4), 2 => random.Next(1, 12), _ => random.Next(1, 60) });
            deltas.Add(text.Substring(start, length));
            start += length;
        }

        return deltas;
    }

    /// <summary>Feeds the deltas and returns what was emitted after each Push, then after Complete.</summary>
    private static List<string> Feed(AnswerStreamFilter filter, IEnumerable<string> deltas)
    {
        var emitted = new List<string>();
        foreach (var delta in deltas)
        {
            emitted.Add(filter.Push(delta));
        }

        emitted.Add(filter.Complete());
        return emitted;
    }

    [Fact]
    public void Push_InvalidMarkerSplitAcrossDeltas_IsRemoved()
    {
        var filter = new AnswerStreamFilter(3, null);

        var emitted = Feed(filter, ["The fee [1", "2] is monthly [", "2", "]."]);

        Assert.Equal("The fee is monthly [2].", string.Concat(emitted));
        Assert.Equal([12], filter.Removed);
    }

    [Fact]
    public void Push_HoldsBackOnlyWhatCouldStillBecomeAMarker()
    {
        var filter = new AnswerStreamFilter(3, null);

        Assert.Equal("The fee", filter.Push("The fee [1"));   // " [1" may become "[12]", removed with its space
        Assert.Equal("", filter.Push("2"));                   // "[12" still may
        Assert.Equal(" [12x", filter.Push("x"));              // "[12x" never will
        Assert.Equal(" and", filter.Push(" and [2]"));        // a valid group may go on with an invalid marker
        Assert.Equal(" [2].", filter.Push("."));
        Assert.Equal("", filter.Complete());
    }

    [Fact]
    public void Push_NothingToHold_EmitsAtOnce()
    {
        var filter = new AnswerStreamFilter(2, null);

        Assert.Equal("Plain words", filter.Push("Plain words"));
        Assert.Equal(",", filter.Push(","));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void Push_AnySplitOfAnAnswer_EmitsWhatTheWholeAnswerCleansTo(int seed, bool redact)
    {
        var random = new Random(seed);
        var redactor = redact ? PiiRedactor.Default : null;
        for (var round = 0; round < 150; round++)
        {
            var answer = RandomAnswer(random, random.Next(1, 40));
            var sources = random.Next(0, 4);
            var expected = Expected(answer, sources, redactor);

            var whole = new AnswerStreamFilter(sources, redactor);
            var wholeText = whole.Push(answer) + whole.Complete();
            var split = new AnswerStreamFilter(sources, redactor);
            var emitted = Feed(split, RandomSplit(random, answer));

            Assert.Equal(expected.Text, wholeText);
            Assert.Equal(expected.Text, string.Concat(emitted));
            Assert.Equal(expected.Removed, split.Removed);
            if (redactor is not null)
            {
                Assert.Equal(redactor.Redact(CitationChecker.StripInvalid(answer, sources).Text).Counts, split.Redactions);
            }
        }
    }

    [Fact]
    public void Push_WithRedactor_NeverEmitsPersonalDataBeforeItIsRedacted()
    {
        var random = new Random(7);
        var sawPii = 0;
        for (var round = 0; round < 150; round++)
        {
            var answer = RandomAnswer(random, random.Next(5, 40));
            var expected = Expected(answer, 3, PiiRedactor.Default).Text;
            // Values glued to other characters ("[1+44 20 …") are not detected in the whole answer either.
            var redacted = RawPii.Where(p => answer.Contains(p, StringComparison.Ordinal) && !expected.Contains(p, StringComparison.Ordinal)).ToList();
            sawPii += redacted.Count > 0 ? 1 : 0;

            var filter = new AnswerStreamFilter(3, PiiRedactor.Default);
            var soFar = "";
            foreach (var delta in RandomSplit(random, answer))
            {
                soFar += filter.Push(delta);
                // Emitted text is final: always a start of the cleaned whole, which has no raw PII left.
                Assert.StartsWith(soFar, expected, StringComparison.Ordinal);
                Assert.DoesNotContain(redacted, p => soFar.Contains(p, StringComparison.Ordinal));
            }
        }

        Assert.True(sawPii > 50);
    }

    [Fact]
    public void Push_WithRedactor_ReleasesEachSentenceOnceItEnds()
    {
        var filter = new AnswerStreamFilter(2, PiiRedactor.Default);
        var emitted = new List<string>();

        foreach (var c in "Write to jane.doe@example.com for access [1]. Then wait.")
        {
            emitted.Add(filter.Push(c.ToString()));
        }

        var beforeComplete = string.Concat(emitted);
        var rest = filter.Complete();

        Assert.Equal("Write to [EMAIL] for access [1]. ", beforeComplete);
        Assert.Equal("Then wait.", rest);
        Assert.Equal(1, filter.Redactions[PiiKinds.Email]);
    }

    [Fact]
    public void Push_WithRedactor_LongRunWithoutSentenceEndIsReleasedWithoutSplittingPersonalData()
    {
        var words = new StringBuilder();
        var random = new Random(11);
        while (words.Length < 3 * AnswerStreamFilter.MaxHeldCharacters)
        {
            words.Append(random.Next(4) switch
            {
                0 => "GB82 WEST 1234 5698 7654 32 ",
                1 => "+44 20 7946 0958 ",
                _ => "word and another ",
            });
        }

        var answer = words.ToString();
        var filter = new AnswerStreamFilter(1, PiiRedactor.Default);
        var emitted = Feed(filter, RandomSplit(random, answer));

        Assert.True(emitted[..^1].Sum(e => e.Length) > AnswerStreamFilter.MaxHeldCharacters);
        Assert.Equal(PiiRedactor.Default.Redact(answer).Text, string.Concat(emitted));
        Assert.Equal(PiiRedactor.Default.Redact(answer).Counts, filter.Redactions);
    }

    [Fact]
    public void Push_WithRedactor_RunWithoutWhitespaceIsHeldWhole()
    {
        // No whitespace to cut at: an e-mail address could straddle any cut, so nothing goes out before the end.
        var blob = string.Concat(Enumerable.Repeat("a1b2c3d4", 500)) + "-jane.doe@example.com";
        var filter = new AnswerStreamFilter(1, PiiRedactor.Default);

        var emitted = Feed(filter, RandomSplit(new Random(3), blob));

        Assert.All(emitted[..^1], e => Assert.Equal("", e));
        Assert.Equal(PiiRedactor.Default.Redact(blob).Text, emitted[^1]);
    }

    [Fact]
    public void Push_AfterComplete_Throws()
    {
        var filter = new AnswerStreamFilter(1, null);
        filter.Complete();

        Assert.Throws<InvalidOperationException>(() => filter.Push("more"));
    }
}
