using System.Numerics;

namespace Verity.Evaluation.Load;

/// <summary>Latencies in whole microseconds, counted in HDR-style log-linear buckets: values below 256 µs have a
/// bucket each (exact), larger values share buckets no wider than 1/128 of the value (under 0.8% error). That keeps
/// recording O(1) and memory fixed (~35 KB) however long a run lasts, where keeping every sample would not. Count,
/// sum (hence the mean), min and max are exact. Not thread-safe: each load worker records into its own histogram
/// and the runner merges them once the workers are done.</summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 8;
    private const int SubBucketCount = 1 << SubBucketBits;
    private const int SubBucketHalf = SubBucketCount / 2;

    /// <summary>The largest value bucketed (2^40 µs, about 12.7 days); larger values count in the last bucket while
    /// the exact max still records them.</summary>
    public const long HighestTrackable = (1L << 40) - 1;

    private static readonly int BucketCount = IndexOf(HighestTrackable) + 1;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public long SumMicroseconds { get; private set; }

    public long MinMicroseconds { get; private set; }

    public long MaxMicroseconds { get; private set; }

    public double MeanMicroseconds => Count == 0 ? 0 : (double)SumMicroseconds / Count;

    public void Record(long microseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(microseconds);
        _counts[IndexOf(Math.Min(microseconds, HighestTrackable))]++;
        MinMicroseconds = Count == 0 ? microseconds : Math.Min(MinMicroseconds, microseconds);
        MaxMicroseconds = Math.Max(MaxMicroseconds, microseconds);
        SumMicroseconds += microseconds;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        for (var i = 0; i < BucketCount; i++)
        {
            _counts[i] += other._counts[i];
        }

        MinMicroseconds = Count == 0 ? other.MinMicroseconds : Math.Min(MinMicroseconds, other.MinMicroseconds);
        MaxMicroseconds = Math.Max(MaxMicroseconds, other.MaxMicroseconds);
        SumMicroseconds += other.SumMicroseconds;
        Count += other.Count;
    }

    /// <summary>Nearest rank: the smallest recorded value such that at least <paramref name="percentile"/>% of the
    /// samples are at or below it (p50 of 1..100 is 50, p99 is 99). Reported as the top of its bucket, clamped to
    /// the exact min and max, so it never understates. 0 when nothing was recorded.</summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (Count == 0)
        {
            return 0;
        }

        // The epsilon keeps 99 × 100 / 100 from becoming 99.000000001 and rounding up to the next rank.
        var rank = Math.Max(1, (long)Math.Ceiling((percentile * Count / 100) - 1e-9));
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                // The last bucket also holds everything beyond the trackable range, so only the exact max is right.
                return i == BucketCount - 1 ? MaxMicroseconds : Math.Clamp(HighestEquivalent(i), MinMicroseconds, MaxMicroseconds);
            }
        }

        return MaxMicroseconds;
    }

    public LatencySummary Summary() => new(
        Milliseconds(MinMicroseconds),
        Math.Round(MeanMicroseconds / 1000, 3),
        Milliseconds(ValueAtPercentile(50)),
        Milliseconds(ValueAtPercentile(90)),
        Milliseconds(ValueAtPercentile(95)),
        Milliseconds(ValueAtPercentile(99)),
        Milliseconds(MaxMicroseconds));

    /// <summary>Up to <paramref name="maxBins"/> display bins, log-spaced from min to max so that both the body and
    /// a long tail stay visible. Each bucket counts in the bin holding its midpoint, so a bin's count is exact to
    /// the bucket resolution; the counts add up to <see cref="Count"/>.</summary>
    public IReadOnlyList<HistogramBin> Bins(int maxBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBins, 1);
        if (Count == 0)
        {
            return [];
        }

        var low = Math.Max(1, MinMicroseconds);
        var high = Math.Max(low, MaxMicroseconds);
        var occupied = _counts.Count(c => c > 0);
        var binCount = high == low ? 1 : Math.Min(maxBins, occupied);
        var ratio = Math.Pow((double)high / low, 1.0 / binCount);
        var edges = new double[binCount + 1];
        for (var k = 0; k <= binCount; k++)
        {
            edges[k] = k == binCount ? high : low * Math.Pow(ratio, k);
        }

        var counts = new long[binCount];
        for (var i = 0; i < BucketCount; i++)
        {
            if (_counts[i] == 0)
            {
                continue;
            }

            var mid = Math.Clamp((LowestEquivalent(i) + HighestEquivalent(i)) / 2.0, low, high);
            var bin = binCount == 1 ? 0 : (int)Math.Floor(Math.Log(mid / low) / Math.Log(ratio));
            counts[Math.Clamp(bin, 0, binCount - 1)] += _counts[i];
        }

        return Enumerable.Range(0, binCount)
            .Select(k => new HistogramBin(Math.Round(edges[k] / 1000, 3), Math.Round(edges[k + 1] / 1000, 3), counts[k]))
            .ToList();
    }

    internal static int IndexOf(long value)
    {
        if (value < SubBucketCount)
        {
            return (int)value;
        }

        // Each doubling above 256 gets 128 buckets, each twice as wide as the previous doubling's.
        var magnitude = (63 - BitOperations.LeadingZeroCount((ulong)value)) - (SubBucketBits - 1);
        return (magnitude * SubBucketHalf) + (int)(value >> magnitude);
    }

    internal static long LowestEquivalent(int index)
    {
        if (index < SubBucketCount)
        {
            return index;
        }

        var magnitude = (index / SubBucketHalf) - 1;
        return (long)(index - (magnitude * SubBucketHalf)) << magnitude;
    }

    internal static long HighestEquivalent(int index) => LowestEquivalent(index + 1) - 1;

    private static double Milliseconds(long microseconds) => Math.Round(microseconds / 1000.0, 3);
}

/// <summary>Latency figures in milliseconds (microsecond resolution).</summary>
public sealed record LatencySummary(double Min, double Mean, double P50, double P90, double P95, double P99, double Max);

/// <summary>A display bin of the latency histogram: [FromMs, ToMs) and how many requests fell in it.</summary>
public sealed record HistogramBin(double FromMs, double ToMs, long Count);
