using System.Diagnostics.Metrics;
using Verity.Core.Caching;
using Verity.Core.Model;

namespace Verity.Core.Telemetry;

public sealed partial class RagMetrics
{
    /// <summary>Seconds, roughly ×2.5 apart: a cache hit or a small SQLite index answers in milliseconds, a remote
    /// embedding plus a large store in hundreds of them, and anything past 10 s has already failed the user.</summary>
    internal static readonly double[] LatencyBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>
    /// One set of boundaries for three scales. Hybrid and lexical scores are Reciprocal Rank Fusion values: with
    /// k = 60 a top result scores (w_dense + w_lexical)/61 at best (0.0197 with the default weights, 0.033 with equal
    /// ones) and a lexical top result always 1/61 ≈ 0.0164, so the low range is cut finely. Dense scores are cosines,
    /// 0 to 1, in steps of 0.1. The cost of sharing: a dense score under 0.035 and an RRF score share buckets, which
    /// the <c>mode</c> label tells apart.
    /// </summary>
    internal static readonly double[] ScoreBuckets =
        [0.0025, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.0165, 0.018, 0.02, 0.025, 0.03, 0.035, 0.05,
         0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

    private static readonly KeyValuePair<string, object?> HybridTag = new("mode", "hybrid");
    private static readonly KeyValuePair<string, object?> DenseTag = new("mode", "dense");
    private static readonly KeyValuePair<string, object?> LexicalTag = new("mode", "lexical");

    internal static KeyValuePair<string, object?> ModeTag(SearchMode mode) => mode switch
    {
        SearchMode.Dense => DenseTag,
        SearchMode.Lexical => LexicalTag,
        _ => HybridTag,
    };

    private IEnumerable<Measurement<double>> ObserveEmbeddingHitRatio() =>
        _cache?.Find(CachingEmbeddingGenerator.StatisticsName) is { Lookups: > 0 } counter
            ? [new Measurement<double>(counter.HitRatio)]
            : [];

    private IEnumerable<Measurement<double>> ObserveGroundedRatio() =>
        _grounded.Ratio() is { } ratio ? [new Measurement<double>(ratio)] : [];

    private IEnumerable<Measurement<double>> ObserveStaleness() =>
        Interlocked.Read(ref _stalenessTicks) is var ticks and not Unknown
            ? [new Measurement<double>(TimeSpan.FromTicks(ticks).TotalSeconds)]
            : [];

    private IEnumerable<Measurement<long>> ObserveQueueDepth() =>
        Interlocked.Read(ref _queueDepth) is var depth and not Unknown ? [new Measurement<long>(depth)] : [];

    private IEnumerable<Measurement<int>> ObserveCircuits() =>
        Volatile.Read(ref _circuits) is { } circuits
            ? [.. circuits().Select(c => new Measurement<int>(c.Open ? 1 : 0, new KeyValuePair<string, object?>("endpoint", c.Endpoint)))]
            : [];
}
