using Verity.Core.Model;

namespace Verity.Core;

/// <summary>
/// Optional capability of an <see cref="IIndexStore"/>: dense and lexical search and their Reciprocal Rank Fusion in
/// one round trip to the store. The result must equal what <see cref="Retrieval.ReciprocalRankFusion.Fuse"/> gives
/// for the store's own dense and lexical lists with the same candidates, k and weights (same order, same ties), so
/// the <see cref="Retrieval.Retriever"/> can use either path and callers cannot tell which.
/// </summary>
public interface IHybridSearchStore
{
    Task<IReadOnlyList<HybridHit>> SearchHybridAsync(
        HybridQuery query, SearchFilter filter, int limit, CancellationToken cancellationToken);
}

/// <summary>One hybrid search: the unit-length query vector, the query text, how many candidates each retriever
/// contributes, the RRF constant and the per-retriever weights.</summary>
public sealed record HybridQuery(
    ReadOnlyMemory<float> Vector, string Text, int Candidates, int RrfK, double DenseWeight, double LexicalWeight);

/// <summary>A fused hit with its rank (from 1) in each retriever's candidate list, null when it was not in it.</summary>
public sealed record HybridHit(IndexedChunk Chunk, double Score, int? DenseRank, int? LexicalRank);

/// <summary>
/// Optional capability of an <see cref="IIndexStore"/>: reading back everything it holds, so an index can be copied
/// to another store (<c>verity migrate-store</c>) without re-parsing or re-embedding anything.
/// </summary>
public interface IIndexExporter
{
    /// <summary>The live generation's configuration, or null when the store was never initialised.</summary>
    Task<IndexConfiguration?> GetConfigurationAsync(CancellationToken cancellationToken);

    /// <summary>Every tenant that has at least one document.</summary>
    Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken);

    /// <summary>Every document of <paramref name="tenantId"/> with its text, chunks (vectors included) and parent
    /// passages, as a write that reproduces it in another store (in document id order).</summary>
    IAsyncEnumerable<DocumentWrite> ExportDocumentsAsync(string tenantId, CancellationToken cancellationToken);
}
