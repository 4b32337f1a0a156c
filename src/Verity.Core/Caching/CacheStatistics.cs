using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Verity.Core.Caching;

/// <summary>
/// Hits and misses per logical cache (<c>embeddings</c>, <c>answers</c>), kept as totals for status reports and
/// published on the <c>Verity</c> meter: the counter <c>verity.cache.lookups</c> (tags <c>cache</c> and
/// <c>result</c> = <c>hit</c> | <c>miss</c>) and the gauge <c>verity.cache.hit_ratio</c> (tag <c>cache</c>).
/// One per process.
/// </summary>
public sealed class CacheStatistics : IDisposable
{
    public const string MeterName = "Verity";
    public const string LookupsInstrumentName = "verity.cache.lookups";
    public const string HitRatioInstrumentName = "verity.cache.hit_ratio";

    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _lookups;

    /// <param name="meterFactory">The host's factory (so the meter's lifetime follows the container); without one
    /// the instance owns its meter and disposes it.</param>
    public CacheStatistics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _lookups = _meter.CreateCounter<long>(
            LookupsInstrumentName, "{lookup}", "Cache lookups, by cache and result (hit or miss).");
        _meter.CreateObservableGauge(
            HitRatioInstrumentName, ObserveHitRatios, "1", "Share of lookups that were hits since the process started.");
    }

    public void Record(string cache, bool hit)
    {
        ArgumentException.ThrowIfNullOrEmpty(cache);
        var tally = _tallies.GetOrAdd(cache, static _ => new Tally());
        if (hit)
        {
            Interlocked.Increment(ref tally.Hits);
        }
        else
        {
            Interlocked.Increment(ref tally.Misses);
        }

        _lookups.Add(1, new KeyValuePair<string, object?>("cache", cache), new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
    }

    /// <summary>Totals so far, one per cache that was looked up, ordered by name.</summary>
    public IReadOnlyList<CacheCounter> Snapshot() =>
        [.. _tallies
            .Select(pair => new CacheCounter(pair.Key, Interlocked.Read(ref pair.Value.Hits), Interlocked.Read(ref pair.Value.Misses)))
            .OrderBy(counter => counter.Cache, StringComparer.Ordinal)];

    /// <summary>Totals of one cache so far; null before its first lookup.</summary>
    public CacheCounter? Find(string cache) =>
        _tallies.TryGetValue(cache, out var tally)
            ? new CacheCounter(cache, Interlocked.Read(ref tally.Hits), Interlocked.Read(ref tally.Misses))
            : null;

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private IEnumerable<Measurement<double>> ObserveHitRatios() =>
        Snapshot().Select(counter => new Measurement<double>(counter.HitRatio, new KeyValuePair<string, object?>("cache", counter.Cache)));

    private sealed class Tally
    {
        public long Hits;
        public long Misses;
    }
}

/// <summary>Lookups of one cache so far.</summary>
public sealed record CacheCounter(string Cache, long Hits, long Misses)
{
    public long Lookups => Hits + Misses;

    /// <summary>Hits per lookup; 0 before the first lookup.</summary>
    public double HitRatio => Lookups == 0 ? 0 : (double)Hits / Lookups;
}
