using System.Diagnostics.Metrics;
using Verity.Core.Caching;
using Verity.Core.Model;
using Verity.Core.Telemetry;
using Verity.Testing.Telemetry;

namespace Verity.Core.Tests.Telemetry;

/// <summary>The RAG instruments as a listener sees them: names, units, tags, bucket advice and values.</summary>
public sealed class RagMetricsTests : IDisposable
{
    private readonly TestMeterFactory _factory = new();
    private readonly CacheStatistics _cache;
    private readonly RagMetrics _metrics;
    private readonly MetricRecorder _recorder;

    public RagMetricsTests()
    {
        _cache = new CacheStatistics(_factory);
        _metrics = new RagMetrics(_factory, _cache);
        _recorder = new MetricRecorder(_factory);
    }

    public static TheoryData<string, string, string> Contract => new()
    {
        { RagMetrics.RetrievalLatencyName, "s", "rag_retrieval_latency_seconds" },
        { RagMetrics.StoreQueryLatencyName, "s", "rag_vectordb_query_latency_seconds" },
        { RagMetrics.RelevanceScoreName, "1", "rag_retrieval_relevance_score" },
        { RagMetrics.AnswersName, "{answer}", "rag_answers_total" },
        { RagMetrics.IngestedDocumentsName, "{document}", "rag_ingested_documents_total" },
        { RagMetrics.IngestFailuresName, "{failure}", "rag_ingest_failures_total" },
        { RagMetrics.EmbeddingCacheHitRatioName, "1", "rag_embedding_cache_hit_ratio" },
        { RagMetrics.GroundedResponseRatioName, "1", "rag_grounded_response_ratio" },
        { RagMetrics.IndexStalenessName, "s", "rag_index_staleness_seconds" },
        { RagMetrics.IngestQueueDepthName, "{item}", "rag_ingest_queue_depth" },
        { RagMetrics.ModelCircuitOpenName, "1", "rag_model_circuit_open" },
    };

    [Theory]
    [MemberData(nameof(Contract))]
    public void Instrument_PublishedOnTheVerityMeter_HasTheUnitThatGivesTheContractName(string name, string unit, string scraped)
    {
        var instrument = _recorder.Instrument(name);

        Assert.Equal(RagMetrics.MeterName, instrument.Meter.Name);
        Assert.Equal(unit, instrument.Unit);
        Assert.False(string.IsNullOrWhiteSpace(instrument.Description));
        Assert.Equal(scraped, PrometheusName(instrument));
    }

    [Fact]
    public void Histograms_AdviseBucketsCoveringTheirRanges()
    {
        var latency = Buckets(RagMetrics.RetrievalLatencyName);
        var score = Buckets(RagMetrics.RelevanceScoreName);

        Assert.Equal(latency, Buckets(RagMetrics.StoreQueryLatencyName));
        Assert.Equal(0.001, latency[0]);
        Assert.Equal(10, latency[^1]);
        Assert.Equal(latency.Order(), latency);
        Assert.Equal(score.Order(), score);
        Assert.Equal(1, score[^1]);
        // A lexical top hit (1/61) and a hybrid hit ranked first by both retrievers (1.2/61 with the default weights)
        // land in different buckets, and so do cosines a tenth apart.
        Assert.NotEqual(BucketOf(score, 1.0 / 61), BucketOf(score, 1.2 / 61));
        Assert.NotEqual(BucketOf(score, 0.55), BucketOf(score, 0.65));
    }

    [Fact]
    public void RecordRetrieval_WithAndWithoutAResult_RecordsLatencyAlwaysAndTheScoreOnlyWhenThereIsOne()
    {
        _metrics.RecordRetrieval(SearchMode.Hybrid, TimeSpan.FromMilliseconds(12), 0.0164);
        _metrics.RecordRetrieval(SearchMode.Dense, TimeSpan.FromMilliseconds(3), null);
        _metrics.RecordStoreQuery(SearchMode.Lexical, TimeSpan.FromMilliseconds(2));

        var latency = _recorder.Of(RagMetrics.RetrievalLatencyName);
        Assert.Equal([("hybrid", 0.012), ("dense", 0.003)], latency.Select(m => (m.Tag("mode"), Math.Round(m.Value, 6))));
        var score = Assert.Single(_recorder.Of(RagMetrics.RelevanceScoreName));
        Assert.Equal((0.0164, "hybrid"), (score.Value, score.Tag("mode")));
        var store = Assert.Single(_recorder.Of(RagMetrics.StoreQueryLatencyName));
        Assert.Equal(("lexical", 0.002), (store.Tag("mode"), Math.Round(store.Value, 6)));
    }

    [Fact]
    public void RecordAnswer_CountsOnePerAnswerWithTextualFlags()
    {
        _metrics.RecordAnswer("primary", degraded: false, cached: true, grounded: true);
        _metrics.RecordAnswer("extractive", degraded: true, cached: false, grounded: false);

        var answers = _recorder.Of(RagMetrics.AnswersName);
        Assert.Equal(
            [("primary", "false", "true", 1.0), ("extractive", "true", "false", 1.0)],
            answers.Select(m => (m.Tag("generator"), m.Tag("degraded"), m.Tag("cached"), m.Value)));
    }

    [Fact]
    public void GroundedRatio_OverTheLastThousandRetrievalAnswers_IgnoresOlderOnesAndSmallTalk()
    {
        Assert.Empty(_recorder.Observe(RagMetrics.GroundedResponseRatioName));

        for (var i = 0; i < RagMetrics.GroundedWindowSize; i++)
        {
            _metrics.RecordAnswer("primary", false, false, grounded: false);
        }

        for (var i = 0; i < 250; i++)
        {
            _metrics.RecordAnswer("primary", false, false, grounded: true);
            _metrics.RecordAnswer("router", false, false, grounded: null);
        }

        var ratio = Assert.Single(_recorder.Observe(RagMetrics.GroundedResponseRatioName));
        Assert.Equal(250.0 / RagMetrics.GroundedWindowSize, ratio.Value);
    }

    [Fact]
    public async Task GroundedRatio_AnswersRecordedConcurrently_LosesNone()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                _metrics.RecordAnswer("primary", false, false, grounded: false);
            }
        })));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                _metrics.RecordAnswer("primary", false, false, grounded: true);
            }
        })));

        Assert.Equal(0.4, Assert.Single(_recorder.Observe(RagMetrics.GroundedResponseRatioName)).Value, 10);
    }

    [Fact]
    public void EmbeddingHitRatio_FollowsTheEmbeddingCacheOnly()
    {
        Assert.Empty(_recorder.Observe(RagMetrics.EmbeddingCacheHitRatioName));
        _cache.Record(CachingEmbeddingGenerator.StatisticsName, hit: true);
        _cache.Record(CachingEmbeddingGenerator.StatisticsName, hit: true);
        _cache.Record(CachingEmbeddingGenerator.StatisticsName, hit: false);
        _cache.Record("answers", hit: false);
        _cache.Record("answers", hit: false);

        var ratio = Assert.Single(_recorder.Observe(RagMetrics.EmbeddingCacheHitRatioName));
        Assert.Equal(2.0 / 3, ratio.Value, 10);
    }

    [Fact]
    public void HostGauges_ReportWhatWasSetAndNothingBefore()
    {
        Assert.Empty(_recorder.Observe(RagMetrics.IngestQueueDepthName));
        Assert.Empty(_recorder.Observe(RagMetrics.IndexStalenessName));
        Assert.Empty(_recorder.Observe(RagMetrics.ModelCircuitOpenName));

        _metrics.SetQueueDepth(17);
        _metrics.SetIndexStaleness(TimeSpan.FromMinutes(2.5));
        _metrics.ObserveCircuits(() => [("primary", true), ("fallback", false)]);

        Assert.Equal(17, Assert.Single(_recorder.Observe(RagMetrics.IngestQueueDepthName)).Value);
        Assert.Equal(150, Assert.Single(_recorder.Observe(RagMetrics.IndexStalenessName)).Value, 6);
        Assert.Equal(
            [("primary", 1.0), ("fallback", 0.0)],
            _recorder.Observe(RagMetrics.ModelCircuitOpenName).Select(m => (m.Tag("endpoint"), m.Value)));

        _metrics.SetIndexStaleness(null);
        Assert.Empty(_recorder.Observe(RagMetrics.IndexStalenessName));
    }

    [Fact]
    public void Ingestion_CountsOutcomesAndFailuresOneByOne()
    {
        _metrics.RecordIngested(IngestOutcomes.Added);
        _metrics.RecordIngested(IngestOutcomes.Rejected);
        _metrics.RecordIngested(IngestOutcomes.Added);
        _metrics.RecordIngestFailure();

        Assert.Equal(
            ["added", "rejected", "added"],
            _recorder.Of(RagMetrics.IngestedDocumentsName).Select(m => m.Tag("outcome")));
        Assert.Equal(1, _recorder.Of(RagMetrics.IngestFailuresName).Sum(m => m.Value));
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _metrics.Dispose();
        _cache.Dispose();
        _factory.Dispose();
    }

    private IReadOnlyList<double> Buckets(string name) =>
        Assert.IsType<Histogram<double>>(_recorder.Instrument(name)).Advice?.HistogramBucketBoundaries
        ?? throw new InvalidOperationException($"{name} has no bucket advice.");

    private static int BucketOf(IReadOnlyList<double> boundaries, double value) =>
        boundaries.TakeWhile(b => value > b).Count();

    /// <summary>The name the OpenTelemetry Prometheus exporter gives an instrument: dots become underscores, the unit
    /// is appended as a word unless it is dimensionless ("1") or an annotation ("{...}"), and counters end in
    /// <c>_total</c>.</summary>
    private static string PrometheusName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        var unit = instrument.Unit switch
        {
            "s" => "seconds",
            "1" or null or "" => "",
            { } annotation when annotation.StartsWith('{') => "",
            { } other => other,
        };
        if (unit.Length > 0 && !name.EndsWith(unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        var counter = instrument.GetType().IsGenericType && instrument.GetType().GetGenericTypeDefinition() == typeof(Counter<>);
        return counter && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }
}
