using Verity.Evaluation.Load;

namespace Verity.Evaluation.Tests.Load;

public sealed class LoadReportTextTests
{
    [Fact]
    public void Histogram_ThreeBins_ScalesBarsToTheFullestAndShowsCountsAndShares()
    {
        var lines = LoadReportText.Histogram([new HistogramBin(1, 2, 10), new HistogramBin(2, 4, 5), new HistogramBin(4, 8, 0)], barWidth: 10);

        Assert.Equal(3, lines.Count);
        Assert.Equal("1.00 - 2.00 ms |##########| 10  66.7%", lines[0]);
        Assert.Equal("2.00 - 4.00 ms |#####     |  5  33.3%", lines[1]);
        Assert.Equal("4.00 - 8.00 ms |          |  0   0.0%", lines[2]);
    }

    [Fact]
    public void Histogram_RareOutlier_StillGetsAMark()
    {
        var lines = LoadReportText.Histogram([new HistogramBin(1, 2, 10_000), new HistogramBin(2, 400, 1)], barWidth: 20);

        Assert.Contains("|#                   |", lines[1], StringComparison.Ordinal);
        Assert.Empty(LoadReportText.Histogram([]));
    }
}
