using Verity.Evaluation.Load;

namespace Verity.Evaluation.Tests.Load;

public sealed class LoadDurationTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("2.5s", 2_500)]
    [InlineData("10", 10_000)]
    [InlineData("0", 0)]
    [InlineData(" 20S ", 20_000)]
    [InlineData("00:00:05", 5_000)]
    public void TryParse_CommandLineDuration_ReturnsItsLength(string text, int milliseconds)
    {
        Assert.True(LoadDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5x")]
    [InlineData("-5s")]
    [InlineData("s")]
    [InlineData("1m30")]
    public void TryParse_NotADuration_ReturnsFalse(string text)
    {
        Assert.False(LoadDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData(20_000, "20s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(600_000, "10m")]
    public void Format_Duration_PrintsItTheWayItIsTyped(int milliseconds, string expected)
    {
        Assert.Equal(expected, LoadDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }
}
