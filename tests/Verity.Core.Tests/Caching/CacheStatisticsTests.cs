using System.Diagnostics.Metrics;
using Verity.Core.Caching;

namespace Verity.Core.Tests.Caching;

public sealed class CacheStatisticsTests
{
    [Fact]
    public void Snapshot_AfterLookups_CountsPerCacheOrderedByName()
    {
        using var statistics = new CacheStatistics();
        statistics.Record("embeddings", hit: true);
        statistics.Record("embeddings", hit: true);
        statistics.Record("embeddings", hit: false);
        statistics.Record("answers", hit: false);

        var snapshot = statistics.Snapshot();

        Assert.Equal(["answers", "embeddings"], snapshot.Select(counter => counter.Cache));
        Assert.Equal(new CacheCounter("answers", 0, 1), snapshot[0]);
        Assert.Equal(new CacheCounter("embeddings", 2, 1), snapshot[1]);
        Assert.Equal(2.0 / 3, snapshot[1].HitRatio, 10);
        Assert.Equal(0, snapshot[0].HitRatio);
    }

    [Fact]
    public void HitRatio_NoLookups_Zero()
    {
        Assert.Equal(0, new CacheCounter("x", 0, 0).HitRatio);
        Assert.Equal(1, new CacheCounter("x", 3, 0).HitRatio);
    }

    [Fact]
    public void Record_Concurrently_NoLostCounts()
    {
        using var statistics = new CacheStatistics();

        Parallel.For(0, 10_000, i => statistics.Record("c", hit: i % 4 == 0));

        Assert.Equal(new CacheCounter("c", 2_500, 7_500), Assert.Single(statistics.Snapshot()));
    }

    [Fact]
    public void Record_PublishesLookupsCounterWithCacheAndResultTags()
    {
        // Other tests record on their own instances of the same meter; a cache name of our own isolates this one.
        var cache = "test-" + Guid.NewGuid().ToString("N");
        var seen = new List<(long Value, string? Cache, string? Result)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CacheStatistics.MeterName && instrument.Name == CacheStatistics.LookupsInstrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var named = tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value as string);
            if (named.GetValueOrDefault("cache") == cache)
            {
                lock (seen)
                {
                    seen.Add((value, named["cache"], named.GetValueOrDefault("result")));
                }
            }
        });
        listener.Start();
        using var statistics = new CacheStatistics();

        statistics.Record(cache, hit: true);
        statistics.Record(cache, hit: false);
        statistics.Record(cache, hit: false);

        Assert.Equal(new (long, string?, string?)[] { (1, cache, "hit"), (1, cache, "miss"), (1, cache, "miss") }, seen);
    }

    [Fact]
    public void HitRatioGauge_Observed_ReportsRatioPerCache()
    {
        using var statistics = new CacheStatistics();
        var cache = "test-" + Guid.NewGuid().ToString("N");
        statistics.Record(cache, hit: true);
        statistics.Record(cache, hit: false);
        statistics.Record(cache, hit: true);
        statistics.Record(cache, hit: true);
        var ratios = new List<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CacheStatistics.MeterName && instrument.Name == CacheStatistics.HitRatioInstrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            if (tags.ToArray().Any(tag => tag.Key == "cache" && (string?)tag.Value == cache))
            {
                ratios.Add(value);
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal([0.75], ratios);
    }
}
