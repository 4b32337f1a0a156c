namespace Verity.Evaluation.Metrics;

public sealed record LatencySummary(double P50, double P95, double P99, double Mean, double Max);

public static class Percentiles
{
    /// <summary>Nearest-rank percentile (the smallest sample with at least p of the samples at or below it).</summary>
    public static double NearestRank(IReadOnlyList<double> sortedAscending, double p)
    {
        if (sortedAscending.Count == 0)
        {
            return 0;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        var rank = (int)Math.Ceiling(p * sortedAscending.Count);
        return sortedAscending[Math.Clamp(rank - 1, 0, sortedAscending.Count - 1)];
    }

    public static LatencySummary Summarize(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToList();
        return sorted.Count == 0
            ? new LatencySummary(0, 0, 0, 0, 0)
            : new LatencySummary(
                NearestRank(sorted, 0.50), NearestRank(sorted, 0.95), NearestRank(sorted, 0.99), sorted.Average(), sorted[^1]);
    }
}
