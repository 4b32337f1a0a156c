using Verity.Core.Model;

namespace Verity.Core.Retrieval;

public sealed record SearchRequest
{
    public required string Query { get; init; }
    public required string TenantId { get; init; }
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;
    public int? TopK { get; init; }
    public IReadOnlyDictionary<string, string>? Filters { get; init; }

    /// <summary>Range constraints on metadata (e.g. <c>modified</c> between two dates), applied inside the store query.</summary>
    public IReadOnlyList<MetadataRange>? Ranges { get; init; }

    /// <summary>The caller's principals; only documents whose ACL admits one of them are searched. Null only for
    /// system work (evaluation), never for a request made on behalf of a caller.</summary>
    public IReadOnlyCollection<string>? Principals { get; init; }

    /// <summary>Highlighted excerpts cost a pass over every result's text; callers that only rank can skip them.</summary>
    public bool IncludeExcerpts { get; init; } = true;
}

/// <summary>One result: the chunk, its score in the chosen mode (RRF score for hybrid, cosine for dense, 1/(k + rank)
/// for lexical, because raw BM25 depends on documents the caller cannot read), a highlighted excerpt, and its rank
/// in each retriever that found it (1-based).</summary>
public sealed record SearchResult(IndexedChunk Chunk, double Score, string Excerpt, int? DenseRank, int? LexicalRank);

/// <param name="Mode">The mode that produced the results: the requested one, or lexical when dense search was
/// unavailable (see <see cref="Degradation"/>).</param>
public sealed record SearchResponse(string Query, SearchMode Mode, IReadOnlyList<SearchResult> Results, double ElapsedMs)
{
    /// <summary>Why the results are worse than requested (e.g. the embedding endpoint is down); null when they are not.</summary>
    public string? Degradation { get; init; }

    public bool Degraded => Degradation is not null;
}
