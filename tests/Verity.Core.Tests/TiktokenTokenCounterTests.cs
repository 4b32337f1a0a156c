using Verity.Core.Text;

namespace Verity.Core.Tests;

public sealed class TiktokenTokenCounterTests
{
    private static readonly TiktokenTokenCounter Counter = new();

    [Fact]
    public void Name_Always_IsO200kBase() => Assert.Equal("o200k_base", Counter.Name);

    [Fact]
    public void CountTokens_Empty_Zero() => Assert.Equal(0, Counter.CountTokens(""));

    [Fact]
    public void CountTokens_CommonWords_AboutOneTokenEach()
    {
        Assert.Equal(1, Counter.CountTokens("hello"));
        Assert.InRange(Counter.CountTokens("the quick brown fox jumps over the lazy dog"), 8, 10);
    }

    [Fact]
    public void CountTokens_LongerText_MoreTokens()
    {
        var sentence = "Rotate the VPN gateway certificates every ninety days. ";

        Assert.True(Counter.CountTokens(string.Concat(Enumerable.Repeat(sentence, 10))) > 5 * Counter.CountTokens(sentence));
    }

    public static TheoryData<string> Texts() => new()
    {
        "Rotate the VPN gateway certificates every ninety days.",
        "Line one\n\nLine two\n   indented\tand tabbed   \n\n\n",
        "東京の天気は晴れです。明日は雨が降るでしょう。",
        "Emoji 🚀🔥 and accents: café, naïve, Zürich — “quoted”.",
        "12345678901234567890 3.14159 0xDEADBEEF 2026-11-25T05:18:24Z",
        "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQgZW5jb2RlZCB0ZXh0IHRoYXQgbG9va3MgbGlrZSBhIGJsb2I=",
        "    ",
        "x",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void CountTokensWithin_AnyLimitAroundTheCount_AgreesWithCountTokens(string text)
    {
        var repeated = string.Concat(Enumerable.Repeat(text + " ", 40));
        foreach (var sample in new[] { text, repeated })
        {
            var count = Counter.CountTokens(sample);
            foreach (var limit in new[] { 0, 1, count - 1, count, count + 1, count * 2 }.Where(l => l >= 0))
            {
                Assert.Equal(count <= limit ? count : null, Counter.CountTokensWithin(sample, limit));
            }
        }
    }

    [Fact]
    public void CountTokensWithin_Empty_ZeroEvenWithLimitZero() => Assert.Equal(0, Counter.CountTokensWithin("", 0));

    [Fact]
    public void CountTokensWithin_NegativeLimit_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Counter.CountTokensWithin("text", -1));
}
