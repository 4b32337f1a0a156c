using Verity.Core;
using Verity.Core.Model;
using Verity.Core.Retrieval;

namespace Verity.Sqlite.Tests;

/// <summary>Fuses the inner store's two lists in "its own query", the way a store with
/// <see cref="IHybridSearchStore"/> must (same candidates, k, weights and tie-breaks).</summary>
internal sealed class FusingStore(IIndexStore inner) : IIndexStore, IHybridSearchStore
{
    public int HybridCalls { get; private set; }

    public async Task<IReadOnlyList<HybridHit>> SearchHybridAsync(HybridQuery query, SearchFilter filter, int limit, CancellationToken cancellationToken)
    {
        HybridCalls++;
        var dense = await inner.SearchDenseAsync(query.Vector, filter, query.Candidates, cancellationToken);
        var lexical = await inner.SearchLexicalAsync(query.Text, filter, query.Candidates, cancellationToken);
        var denseRanks = dense.Select((h, i) => (h.Chunk.Id, Rank: i + 1)).ToDictionary(p => p.Id, p => p.Rank);
        var lexicalRanks = lexical.Select((h, i) => (h.Chunk.Id, Rank: i + 1)).ToDictionary(p => p.Id, p => p.Rank);
        return ReciprocalRankFusion.Fuse([dense, lexical], query.RrfK, [query.DenseWeight, query.LexicalWeight])
            .Take(limit)
            .Select(h => new HybridHit(
                h.Chunk, h.Score,
                denseRanks.TryGetValue(h.Chunk.Id, out var d) ? d : null,
                lexicalRanks.TryGetValue(h.Chunk.Id, out var l) ? l : null))
            .ToList();
    }

    public Task<IndexGeneration> InitializeAsync(IndexConfiguration configuration, CancellationToken cancellationToken) => inner.InitializeAsync(configuration, cancellationToken);

    public Task<DocumentRecord?> GetDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken) => inner.GetDocumentAsync(tenantId, documentId, cancellationToken);

    public Task<DocumentRecord?> GetDocumentAsync(string tenantId, string documentId, IReadOnlyCollection<string> principals, CancellationToken cancellationToken) =>
        inner.GetDocumentAsync(tenantId, documentId, principals, cancellationToken);

    public Task<string?> GetDocumentTextAsync(string tenantId, string documentId, CancellationToken cancellationToken) => inner.GetDocumentTextAsync(tenantId, documentId, cancellationToken);

    public Task<string?> GetDocumentTextAsync(string tenantId, string documentId, IReadOnlyCollection<string> principals, CancellationToken cancellationToken) =>
        inner.GetDocumentTextAsync(tenantId, documentId, principals, cancellationToken);

    public Task<DocumentPage> ListDocumentsAsync(DocumentListQuery query, CancellationToken cancellationToken) => inner.ListDocumentsAsync(query, cancellationToken);

    public Task<IReadOnlyDictionary<string, DocumentFingerprint>> GetFingerprintsAsync(string tenantId, string source, CancellationToken cancellationToken) =>
        inner.GetFingerprintsAsync(tenantId, source, cancellationToken);

    public Task<UpsertResult> UpsertDocumentAsync(DocumentWrite write, CancellationToken cancellationToken) => inner.UpsertDocumentAsync(write, cancellationToken);

    public Task<bool> DeleteDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken) => inner.DeleteDocumentAsync(tenantId, documentId, cancellationToken);

    public Task<IReadOnlyList<ScoredChunk>> SearchDenseAsync(ReadOnlyMemory<float> queryVector, SearchFilter filter, int limit, CancellationToken cancellationToken) =>
        inner.SearchDenseAsync(queryVector, filter, limit, cancellationToken);

    public Task<IReadOnlyList<ScoredChunk>> SearchLexicalAsync(string query, SearchFilter filter, int limit, CancellationToken cancellationToken) =>
        inner.SearchLexicalAsync(query, filter, limit, cancellationToken);

    public Task<IndexStatistics> GetStatisticsAsync(string tenantId, CancellationToken cancellationToken) => inner.GetStatisticsAsync(tenantId, cancellationToken);

    public Task<IndexVersion> GetIndexVersionAsync(string tenantId, CancellationToken cancellationToken) => inner.GetIndexVersionAsync(tenantId, cancellationToken);

    public Task<DateTimeOffset?> GetLastChangeAsync(CancellationToken cancellationToken) => inner.GetLastChangeAsync(cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);
}
