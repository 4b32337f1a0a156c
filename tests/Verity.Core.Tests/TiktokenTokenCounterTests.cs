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
}
