using System.Diagnostics.Metrics;
using Verity.Core.Caching;
using Verity.Core.Model;

namespace Verity.Core.Telemetry;

/// <summary>
/// The RAG signals on the <c>Verity</c> meter. Instrument names and units are chosen so that the OpenTelemetry
/// Prometheus exporter scrapes them under the names the dashboard and alerts query (unit <c>s</c> adds
/// <c>_seconds</c>, a counter gets <c>_total</c>, units <c>1</c> and <c>{...}</c> add nothing):
/// <list type="bullet">
/// <item><c>rag.retrieval.latency</c> (s, histogram, tag <c>mode</c>) → <c>rag_retrieval_latency_seconds</c></item>
/// <item><c>rag.vectordb.query.latency</c> (s, histogram, tag <c>mode</c>) → <c>rag_vectordb_query_latency_seconds</c></item>
/// <item><c>rag.retrieval.relevance_score</c> (1, histogram, tag <c>mode</c>) → <c>rag_retrieval_relevance_score</c></item>
/// <item><c>rag.answers</c> ({answer}, counter, tags <c>generator</c>, <c>degraded</c>, <c>cached</c>) → <c>rag_answers_total</c></item>
/// <item><c>rag.ingested_documents</c> ({document}, counter, tag <c>outcome</c>) → <c>rag_ingested_documents_total</c></item>
/// <item><c>rag.ingest.failures</c> ({failure}, counter) → <c>rag_ingest_failures_total</c></item>
/// <item><c>rag.embedding_cache.hit_ratio</c> (1, gauge) → <c>rag_embedding_cache_hit_ratio</c></item>
/// <item><c>rag.grounded_response_ratio</c> (1, gauge) → <c>rag_grounded_response_ratio</c></item>
/// <item><c>rag.index.staleness</c> (s, gauge) → <c>rag_index_staleness_seconds</c></item>
/// <item><c>rag.ingest.queue_depth</c> ({item}, gauge) → <c>rag_ingest_queue_depth</c></item>
/// <item><c>rag.model.circuit_open</c> (1, gauge, tag <c>endpoint</c>) → <c>rag_model_circuit_open</c></item>
/// </list>
/// Ingestion failures count every rejected document (wherever it is detected) and every failed attempt of a queued
/// item (retried or quarantined); a transient failure of a synchronous upload is the caller's error response instead.
/// One per process (a singleton).
/// </summary>
public sealed partial class RagMetrics : IDisposable
{
    public const string MeterName = VerityTelemetry.Name;

    public const string RetrievalLatencyName = "rag.retrieval.latency";
    public const string StoreQueryLatencyName = "rag.vectordb.query.latency";
    public const string RelevanceScoreName = "rag.retrieval.relevance_score";
    public const string AnswersName = "rag.answers";
    public const string IngestedDocumentsName = "rag.ingested_documents";
    public const string IngestFailuresName = "rag.ingest.failures";
    public const string EmbeddingCacheHitRatioName = "rag.embedding_cache.hit_ratio";
    public const string GroundedResponseRatioName = "rag.grounded_response_ratio";
    public const string IndexStalenessName = "rag.index.staleness";
    public const string IngestQueueDepthName = "rag.ingest.queue_depth";
    public const string ModelCircuitOpenName = "rag.model.circuit_open";

    /// <summary>Retrieval answers the grounded ratio is computed over (the most recent ones).</summary>
    public const int GroundedWindowSize = 1000;

    private const long Unknown = long.MinValue;

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly CacheStatistics? _cache;
    private readonly Histogram<double> _retrievalLatency;
    private readonly Histogram<double> _storeLatency;
    private readonly Histogram<double> _relevance;
    private readonly Counter<long> _answers;
    private readonly Counter<long> _ingested;
    private readonly Counter<long> _failures;
    private readonly GroundedWindow _grounded = new(GroundedWindowSize);
    private long _queueDepth = Unknown;
    private long _stalenessTicks = Unknown;
    private Func<IEnumerable<(string Endpoint, bool Open)>>? _circuits;

    /// <param name="meterFactory">The host's factory (the meter then lives as long as the container); without one the
    /// instance owns its meter and disposes it.</param>
    /// <param name="cache">Where the embedding cache's hits and misses are counted; without it the hit ratio gauge
    /// reports nothing.</param>
    public RagMetrics(IMeterFactory? meterFactory = null, CacheStatistics? cache = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _cache = cache;

        _retrievalLatency = _meter.CreateHistogram<double>(
            RetrievalLatencyName, "s", "Whole retrievals (embedding, store queries and fusion), by the mode that ran.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _storeLatency = _meter.CreateHistogram<double>(
            StoreQueryLatencyName, "s", "Single index store queries, by kind (dense, lexical, or hybrid fused by the store).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _relevance = _meter.CreateHistogram<double>(
            RelevanceScoreName, "1", "Score of the top result of each retrieval that found something, by mode.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ScoreBuckets });
        _answers = _meter.CreateCounter<long>(
            AnswersName, "{answer}", "Answers returned, by generator, degradation and whether the answer cache served them.");
        _ingested = _meter.CreateCounter<long>(
            IngestedDocumentsName, "{document}", "Documents processed by ingestion, by outcome.");
        _failures = _meter.CreateCounter<long>(
            IngestFailuresName, "{failure}", "Rejected documents and failed attempts of queued ingestion items.");

        _meter.CreateObservableGauge(
            EmbeddingCacheHitRatioName, ObserveEmbeddingHitRatio, "1", "Share of query embedding lookups served by the cache since start.");
        _meter.CreateObservableGauge(
            GroundedResponseRatioName, ObserveGroundedRatio, "1",
            $"Share of grounded answers among the last {GroundedWindowSize} retrieval answers (small talk excluded).");
        _meter.CreateObservableGauge(
            IndexStalenessName, ObserveStaleness, "s", "Time since the newest applied change of the index.");
        _meter.CreateObservableGauge(
            IngestQueueDepthName, ObserveQueueDepth, "{item}", "Ingestion job items queued or running.");
        _meter.CreateObservableGauge(
            ModelCircuitOpenName, ObserveCircuits, "1", "1 while the circuit breaker of a model endpoint is open, else 0.");
    }

    public void RecordRetrieval(SearchMode mode, TimeSpan elapsed, double? topScore)
    {
        var tag = ModeTag(mode);
        _retrievalLatency.Record(elapsed.TotalSeconds, tag);
        if (topScore is { } score && double.IsFinite(score))
        {
            _relevance.Record(score, tag);
        }
    }

    public void RecordStoreQuery(SearchMode mode, TimeSpan elapsed) => _storeLatency.Record(elapsed.TotalSeconds, ModeTag(mode));

    /// <param name="generator">Who wrote it: a model's configured name, <c>extractive</c>, or <c>router</c>.</param>
    /// <param name="grounded">Whether the answer rests on its sources; null for small talk, which is left out of the
    /// grounded ratio.</param>
    public void RecordAnswer(string generator, bool degraded, bool cached, bool? grounded)
    {
        ArgumentException.ThrowIfNullOrEmpty(generator);
        _answers.Add(
            1,
            new KeyValuePair<string, object?>("generator", generator),
            new KeyValuePair<string, object?>("degraded", degraded ? "true" : "false"),
            new KeyValuePair<string, object?>("cached", cached ? "true" : "false"));
        if (grounded is { } value)
        {
            _grounded.Add(value);
        }
    }

    /// <param name="outcome"><c>added</c>, <c>updated</c>, <c>unchanged</c>, <c>deleted</c> or <c>rejected</c>
    /// (<see cref="IngestOutcomes"/>).</param>
    public void RecordIngested(string outcome)
    {
        ArgumentException.ThrowIfNullOrEmpty(outcome);
        _ingested.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void RecordIngestFailure() => _failures.Add(1);

    /// <summary>Job items queued or running now (sampled by the host).</summary>
    public void SetQueueDepth(long items) => Interlocked.Exchange(ref _queueDepth, Math.Max(0, items));

    /// <summary>How long ago the newest change was applied to the index; null when unknown or when the index is
    /// empty (the gauge then reports nothing rather than a misleading number).</summary>
    public void SetIndexStaleness(TimeSpan? age) =>
        Interlocked.Exchange(ref _stalenessTicks, age is { } a ? Math.Max(0, a.Ticks) : Unknown);

    /// <summary>The model endpoints and whether each circuit is open, read at every collection (the last registration
    /// wins).</summary>
    public void ObserveCircuits(Func<IEnumerable<(string Endpoint, bool Open)>> circuits)
    {
        ArgumentNullException.ThrowIfNull(circuits);
        Volatile.Write(ref _circuits, circuits);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
