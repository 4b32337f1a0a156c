using Verity.Evaluation.Load;

namespace Verity.Evaluation.Tests.Load;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void ValueAtPercentile_OneToHundredMicroseconds_ReturnsTheNearestRank()
    {
        var histogram = Record(Enumerable.Range(1, 100).Select(v => (long)v));

        Assert.Equal(1, histogram.ValueAtPercentile(0));
        Assert.Equal(50, histogram.ValueAtPercentile(50));
        Assert.Equal(90, histogram.ValueAtPercentile(90));
        Assert.Equal(95, histogram.ValueAtPercentile(95));
        Assert.Equal(99, histogram.ValueAtPercentile(99));
        Assert.Equal(100, histogram.ValueAtPercentile(99.9));
        Assert.Equal(100, histogram.ValueAtPercentile(100));
        Assert.Equal(50.5, histogram.MeanMicroseconds);
        Assert.Equal(100, histogram.Count);
    }

    [Fact]
    public void ValueAtPercentile_FourSamplesInAnyOrder_ReturnsHandComputedRanks()
    {
        // Sorted: 10 20 30 40. Rank = ceil(p × 4 / 100): p25 → 1st, p50 → 2nd, p51 → 3rd, p75 → 3rd, p90 → 4th.
        var histogram = Record([40, 10, 30, 20]);

        Assert.Equal(10, histogram.ValueAtPercentile(25));
        Assert.Equal(20, histogram.ValueAtPercentile(50));
        Assert.Equal(30, histogram.ValueAtPercentile(51));
        Assert.Equal(30, histogram.ValueAtPercentile(75));
        Assert.Equal(40, histogram.ValueAtPercentile(90));
        Assert.Equal(25, histogram.MeanMicroseconds);
    }

    [Fact]
    public void Summary_MillisecondSamples_ReportsExactMinMeanMaxAndPercentilesWithinBucketPrecision()
    {
        // 90 × 2 ms, 9 × 10 ms, 1 × 50 ms: p50 and p90 are 2 ms, p95 and p99 10 ms, mean (180 + 90 + 50) / 100 = 3.2 ms.
        var histogram = Record(Enumerable.Repeat(2_000L, 90).Concat(Enumerable.Repeat(10_000L, 9)).Append(50_000));

        var summary = histogram.Summary();

        Assert.Equal(2.0, summary.Min);
        Assert.Equal(3.2, summary.Mean);
        Assert.Equal(50.0, summary.Max);
        const double precision = 1 + (1 / 128.0);
        Assert.InRange(summary.P50, 2.0, 2.0 * precision);
        Assert.InRange(summary.P90, 2.0, 2.0 * precision);
        Assert.InRange(summary.P95, 10.0, 10.0 * precision);
        Assert.InRange(summary.P99, 10.0, 10.0 * precision);
    }

    [Fact]
    public void ValueAtPercentile_LargeValue_NeverBelowTheSampleAndAtMostOneBucketAbove()
    {
        var histogram = Record([1_000_000, 1_234_567]);

        var p50 = histogram.ValueAtPercentile(50);

        Assert.InRange(p50, 1_000_000, 1_000_000 * (1 + (1 / 128.0)));
        Assert.Equal(1_234_567, histogram.ValueAtPercentile(100));
        Assert.Equal(1_000_000, histogram.MinMicroseconds);
    }

    [Fact]
    public void IndexOf_EveryValueUpToFourMillion_FallsInAContiguousBucketAtMostOneHundredTwentyEighthOfItsValueWide()
    {
        var previous = -1;
        for (long value = 0; value <= 4_194_304; value++)
        {
            var index = LatencyHistogram.IndexOf(value);
            var low = LatencyHistogram.LowestEquivalent(index);
            var high = LatencyHistogram.HighestEquivalent(index);
            if (low > value || value > high || index < previous || index > previous + 1)
            {
                Assert.Fail($"{value} → bucket {index} [{low}, {high}] after bucket {previous}");
            }

            if (value >= 256 && (high - low + 1) * 128 > value)
            {
                Assert.Fail($"{value} → bucket {index} [{low}, {high}] is wider than 1/128 of the value");
            }

            previous = index;
        }
    }

    [Fact]
    public void Record_BeyondTheTrackableRange_KeepsTheExactMax()
    {
        var histogram = Record([5, LatencyHistogram.HighestTrackable * 4]);

        Assert.Equal(LatencyHistogram.HighestTrackable * 4, histogram.ValueAtPercentile(100));
        Assert.Equal(LatencyHistogram.HighestTrackable * 4, histogram.MaxMicroseconds);
    }

    [Fact]
    public void Record_NegativeValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyHistogram().Record(-1));
    }

    [Fact]
    public void Add_TwoHistograms_EqualsRecordingEverySampleInOne()
    {
        var samples = Enumerable.Range(0, 5_000).Select(i => (long)((i * 7919) % 200_000)).ToList();
        var whole = Record(samples);
        var merged = Record(samples.Take(1_234));
        merged.Add(Record(samples.Skip(1_234)));
        merged.Add(new LatencyHistogram());

        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.Summary(), merged.Summary());
        Assert.Equal(whole.Bins(16), merged.Bins(16));
    }

    [Fact]
    public void Summary_Empty_IsAllZerosAndHasNoBins()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(new LatencySummary(0, 0, 0, 0, 0, 0, 0), histogram.Summary());
        Assert.Equal(0, histogram.ValueAtPercentile(99));
        Assert.Empty(histogram.Bins(16));
    }

    [Fact]
    public void Bins_SpreadSamples_AscendContiguouslyFromMinToMaxAndCountEverySample()
    {
        var histogram = Record(Enumerable.Range(1, 2_000).Select(i => 500L + (i * i)));

        var bins = histogram.Bins(16);

        Assert.Equal(16, bins.Count);
        Assert.Equal(2_000, bins.Sum(b => b.Count));
        Assert.Equal(0.501, bins[0].FromMs);
        Assert.Equal(4_000.5, bins[^1].ToMs);
        for (var i = 1; i < bins.Count; i++)
        {
            Assert.Equal(bins[i - 1].ToMs, bins[i].FromMs);
            Assert.True(bins[i].FromMs > bins[i - 1].FromMs);
        }
    }

    [Fact]
    public void Bins_OneDistinctValue_IsOneBin()
    {
        var bins = Record([1_500, 1_500, 1_500]).Bins(16);

        Assert.Equal([new HistogramBin(1.5, 1.5, 3)], bins);
    }

    private static LatencyHistogram Record(IEnumerable<long> microseconds)
    {
        var histogram = new LatencyHistogram();
        foreach (var value in microseconds)
        {
            histogram.Record(value);
        }

        return histogram;
    }
}
