using System.Diagnostics;
using Microsoft.Extensions.AI;
using Verity.Core.Model;
using Verity.Core.Telemetry;
using Verity.Core.Text;

namespace Verity.Core.Retrieval;

/// <summary>Query → (embed) → dense and/or lexical search inside the store, with the tenant and metadata filter
/// applied there → Reciprocal Rank Fusion → top-k with excerpts. Traced as <c>verity.retrieve</c> with a child span per
/// embedding, store query and fusion; timed into <see cref="RagMetrics"/> when one is given.</summary>
public sealed class Retriever(
    IIndexStore store,
    IEmbeddingGenerator<string, Embedding<float>> embedder,
    RetrievalOptions options,
    RagMetrics? metrics = null)
{
    private readonly string _dbSystem = Spans.DbSystem(store);
    private readonly string? _embeddingModel = embedder.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;

    public RetrievalOptions Options => options;

    // Untraced, the search is called directly: tracing costs nothing when nobody listens.
    public Task<SearchResponse> SearchAsync(SearchRequest request, CancellationToken cancellationToken) =>
        VerityTelemetry.Source.HasListeners()
            ? SearchTracedAsync(request, cancellationToken)
            : SearchCoreAsync(request, null, cancellationToken);

    private async Task<SearchResponse> SearchTracedAsync(SearchRequest request, CancellationToken cancellationToken)
    {
        using var span = Spans.Start(Spans.Retrieve);
        try
        {
            return await SearchCoreAsync(request, span, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Spans.Fail(span, e))
        {
            throw;
        }
    }

    private async Task<SearchResponse> SearchCoreAsync(SearchRequest request, Activity? span, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var query = QueryPolicy.Validate(request.Query, options.MaxQueryLength);
        var topK = request.TopK ?? options.DefaultTopK;
        span?.SetTag(Tags.Tenant, request.TenantId)
            .SetTag(Tags.RetrievalRequestedMode, Spans.ModeName(request.Mode))
            .SetTag(Tags.TopK, topK);
        if (topK < 1 || topK > options.MaxTopK)
        {
            throw new InvalidRequestException($"top_k must be between 1 and {options.MaxTopK}.", "top_k");
        }

        var filter = new SearchFilter
        {
            TenantId = request.TenantId,
            Metadata = request.Filters ?? DocumentRecord.EmptyMetadata,
            Ranges = request.Ranges ?? [],
            Principals = request.Principals,
        };
        var candidates = Math.Max(topK, options.CandidatesPerRetriever);
        var mode = request.Mode;
        string? degradation = null;
        IReadOnlyList<HybridHit> ranked;
        try
        {
            ranked = mode == SearchMode.Hybrid && store is IHybridSearchStore hybridStore
                ? await SearchFusedByStoreAsync(hybridStore, query, filter, candidates, topK, cancellationToken).ConfigureAwait(false)
                : await SearchAndFuseAsync(mode, query, filter, candidates, cancellationToken).ConfigureAwait(false);
        }
        catch (ModelUnavailableException e) when (mode != SearchMode.Lexical)
        {
            // The query cannot be embedded (a remote embedding endpoint is down): words still find documents. Never
            // another embedder: vectors of two models must not be compared.
            degradation = $"Dense search was skipped because {e.Message.TrimEnd('.')}; results come from keyword search alone.";
            mode = SearchMode.Lexical;
            ranked = await SearchAndFuseAsync(mode, query, filter, candidates, cancellationToken).ConfigureAwait(false);
        }

        var stems = Terms.ContentTerms(query).ToHashSet(StringComparer.Ordinal);
        var results = ranked.Take(topK).Select(hit => new SearchResult(
                hit.Chunk,
                hit.Score,
                request.IncludeExcerpts ? ExcerptBuilder.Build(hit.Chunk.Text, stems) : "",
                hit.DenseRank,
                hit.LexicalRank))
            .ToList();

        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics?.RecordRetrieval(mode, elapsed, results.Count > 0 ? results[0].Score : null);
        span?.SetTag(Tags.RetrievalMode, Spans.ModeName(mode))
            .SetTag(Tags.RetrievalResults, results.Count)
            .SetTag(Tags.RetrievalDegraded, degradation is not null);
        return new SearchResponse(query, mode, results, elapsed.TotalMilliseconds)
        {
            Degradation = degradation,
        };
    }

    /// <summary>The store fuses in its own query (one round trip): the same fusion, the same order as
    /// <see cref="SearchAndFuseAsync"/>.</summary>
    private async Task<IReadOnlyList<HybridHit>> SearchFusedByStoreAsync(
        IHybridSearchStore hybridStore, string query, SearchFilter filter, int candidates, int topK, CancellationToken cancellationToken)
    {
        var embedding = await EmbedAsync(query, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        using var span = StartStoreQuery(Spans.SearchHybrid, candidates);
        try
        {
            var hits = await hybridStore.SearchHybridAsync(
                new HybridQuery(embedding.Vector, query, candidates, options.RrfK, options.DenseWeight, options.LexicalWeight),
                filter, topK, cancellationToken).ConfigureAwait(false);
            EndStoreQuery(span, SearchMode.Hybrid, started, hits.Count);
            return hits;
        }
        catch (Exception e) when (Spans.Fail(span, e))
        {
            throw;
        }
    }

    private async Task<IReadOnlyList<HybridHit>> SearchAndFuseAsync(
        SearchMode mode, string query, SearchFilter filter, int candidates, CancellationToken cancellationToken)
    {
        var dense = mode is SearchMode.Dense or SearchMode.Hybrid
            ? SearchDenseAsync(query, filter, candidates, cancellationToken)
            : Task.FromResult<IReadOnlyList<ScoredChunk>>([]);
        var lexical = mode is SearchMode.Lexical or SearchMode.Hybrid
            ? SearchLexicalAsync(query, filter, candidates, cancellationToken)
            : Task.FromResult<IReadOnlyList<ScoredChunk>>([]);
        await Task.WhenAll(dense, lexical).ConfigureAwait(false);

        var denseHits = await dense.ConfigureAwait(false);
        var lexicalHits = await lexical.ConfigureAwait(false);
        using var span = Spans.Start(Spans.Fuse);
        span?.SetTag(Tags.FuseMethod, mode switch { SearchMode.Dense => "none", SearchMode.Lexical => "rank", _ => "rrf" });
        var ranked = mode switch
        {
            SearchMode.Dense => denseHits,
            SearchMode.Lexical => RankScores(lexicalHits),
            _ => ReciprocalRankFusion.Fuse([denseHits, lexicalHits], options.RrfK, [options.DenseWeight, options.LexicalWeight]),
        };

        var denseRanks = RankMap(denseHits);
        var lexicalRanks = RankMap(lexicalHits);
        var fused = ranked.Select(hit => new HybridHit(
                hit.Chunk,
                hit.Score,
                denseRanks.TryGetValue(hit.Chunk.Id, out var d) ? d : null,
                lexicalRanks.TryGetValue(hit.Chunk.Id, out var l) ? l : null))
            .ToList();
        span?.SetTag(Tags.FuseResults, fused.Count);
        return fused;
    }

    private async Task<IReadOnlyList<ScoredChunk>> SearchDenseAsync(
        string query, SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        var embedding = await EmbedAsync(query, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        using var span = StartStoreQuery(Spans.SearchDense, limit);
        try
        {
            var hits = await store.SearchDenseAsync(embedding.Vector, filter, limit, cancellationToken).ConfigureAwait(false);
            EndStoreQuery(span, SearchMode.Dense, started, hits.Count);
            return hits;
        }
        catch (Exception e) when (Spans.Fail(span, e))
        {
            throw;
        }
    }

    private async Task<IReadOnlyList<ScoredChunk>> SearchLexicalAsync(
        string query, SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var span = StartStoreQuery(Spans.SearchLexical, limit);
        try
        {
            var hits = await store.SearchLexicalAsync(query, filter, limit, cancellationToken).ConfigureAwait(false);
            EndStoreQuery(span, SearchMode.Lexical, started, hits.Count);
            return hits;
        }
        catch (Exception e) when (Spans.Fail(span, e))
        {
            throw;
        }
    }

    private Task<Embedding<float>> EmbedAsync(string query, CancellationToken cancellationToken) =>
        VerityTelemetry.Source.HasListeners()
            ? EmbedTracedAsync(query, cancellationToken)
            : embedder.GenerateAsync(query, cancellationToken: cancellationToken);

    private async Task<Embedding<float>> EmbedTracedAsync(string query, CancellationToken cancellationToken)
    {
        using var span = Spans.Start(Spans.Embed);
        span?.SetTag(Tags.GenAiOperation, "embeddings").SetTag(Tags.GenAiModel, _embeddingModel);
        try
        {
            return await embedder.GenerateAsync(query, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Spans.Fail(span, e))
        {
            throw;
        }
    }

    private Activity? StartStoreQuery(string name, int candidates) =>
        Spans.Start(name)?.SetTag(Tags.DbSystem, _dbSystem).SetTag(Tags.SearchCandidates, candidates);

    private void EndStoreQuery(Activity? span, SearchMode kind, long started, int hits)
    {
        metrics?.RecordStoreQuery(kind, Stopwatch.GetElapsedTime(started));
        span?.SetTag(Tags.SearchHits, hits);
    }

    // BM25's statistics (row counts, document frequencies) span the whole index, including documents the caller may
    // not read and other tenants' documents, so a raw BM25 score would tell a caller how often a word occurs where
    // they cannot look. Lexical results therefore carry a score derived from their rank alone.
    private List<ScoredChunk> RankScores(IReadOnlyList<ScoredChunk> hits) =>
        hits.Select((hit, i) => hit with { Score = 1.0 / (options.RrfK + i + 1) }).ToList();

    private static Dictionary<string, int> RankMap(IReadOnlyList<ScoredChunk> hits)
    {
        var ranks = new Dictionary<string, int>(hits.Count, StringComparer.Ordinal);
        for (var i = 0; i < hits.Count; i++)
        {
            ranks.TryAdd(hits[i].Chunk.Id, i + 1);
        }

        return ranks;
    }
}
