using Verity.Evaluation.Metrics;

namespace Verity.Evaluation.Tests;

/// <summary>Nearest-rank percentile: rank = ceil(p × n), the value at that (1-based) rank of the sorted samples.</summary>
public sealed class PercentilesTests
{
    private static readonly double[] OneToHundred = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

    [Theory]
    [InlineData(0.50, 50)] // ceil(0.50 × 100) = 50 → 50
    [InlineData(0.95, 95)] // ceil(0.95 × 100) = 95 → 95
    [InlineData(0.99, 99)] // ceil(0.99 × 100) = 99 → 99
    [InlineData(1.00, 100)] // ceil(1.00 × 100) = 100 → 100
    [InlineData(0.001, 1)] // ceil(0.1) = 1 → 1
    [InlineData(0.00, 1)] // rank 0 is clamped to the first sample
    public void NearestRank_OneToHundred_ReturnsValueAtCeilingRank(double p, double expected)
    {
        Assert.Equal(expected, Percentiles.NearestRank(OneToHundred, p));
    }

    [Theory]
    // The textbook example {15, 20, 35, 40, 50}:
    [InlineData(0.05, 15)] // ceil(0.25) = 1 → 15
    [InlineData(0.30, 20)] // ceil(1.5)  = 2 → 20
    [InlineData(0.40, 20)] // ceil(2.0)  = 2 → 20
    [InlineData(0.50, 35)] // ceil(2.5)  = 3 → 35
    [InlineData(1.00, 50)] // ceil(5.0)  = 5 → 50
    public void NearestRank_FiveSamples_MatchesHandComputedRanks(double p, double expected)
    {
        Assert.Equal(expected, Percentiles.NearestRank([15, 20, 35, 40, 50], p));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    public void NearestRank_PercentileOutOfRange_Throws(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(OneToHundred, p));
    }

    [Fact]
    public void NearestRank_NoSamples_IsZero()
    {
        Assert.Equal(0.0, Percentiles.NearestRank([], 0.5));
    }

    [Fact]
    public void Summarize_OneToHundredShuffled_SortsAndReportsPercentilesMeanAndMax()
    {
        var shuffled = OneToHundred.OrderBy(v => (v * 37) % 101).ToList();

        var summary = Percentiles.Summarize(shuffled);

        // p50 = 50, p95 = 95, p99 = 99, mean = (1 + 100) / 2 = 50.5, max = 100.
        Assert.Equal(new LatencySummary(50, 95, 99, 50.5, 100), summary);
    }

    [Fact]
    public void Summarize_SingleSample_IsThatSampleEverywhere()
    {
        Assert.Equal(new LatencySummary(7.25, 7.25, 7.25, 7.25, 7.25), Percentiles.Summarize([7.25]));
    }

    [Fact]
    public void Summarize_NoSamples_IsAllZeros()
    {
        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0), Percentiles.Summarize([]));
    }

    [Fact]
    public void Summarize_TenSamples_MatchesHandComputedValues()
    {
        // Sorted: 1..10. p50: ceil(5) = 5 → 5; p95: ceil(9.5) = 10 → 10; p99: ceil(9.9) = 10 → 10;
        // mean = 55 / 10 = 5.5; max = 10.
        var summary = Percentiles.Summarize([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);

        Assert.Equal(new LatencySummary(5, 10, 10, 5.5, 10), summary);
    }
}
