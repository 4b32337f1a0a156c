using Verity.Core.Model;

namespace Verity.Core;

/// <summary>
/// The index: documents, their chunks, a lexical index and the chunk vectors. Every read takes the tenant and
/// applies the <see cref="SearchFilter"/> inside the store's own query, never to results afterwards. Every write
/// of one document is atomic: readers see the previous version or the new one, never a mix.
/// </summary>
public interface IIndexStore
{
    /// <summary>Creates or migrates the schema and returns the live index generation, creating it for
    /// <paramref name="configuration"/> on first use. Fails when the live generation was built with another
    /// embedding model, because vectors of two models must never be compared.</summary>
    Task<IndexGeneration> InitializeAsync(IndexConfiguration configuration, CancellationToken cancellationToken);

    /// <summary>The document, whoever may read it (system use: ingestion decides "unchanged" with it).</summary>
    Task<DocumentRecord?> GetDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken);

    /// <summary>The document if its ACL admits one of <paramref name="principals"/>; null otherwise, exactly as if
    /// it did not exist.</summary>
    Task<DocumentRecord?> GetDocumentAsync(
        string tenantId, string documentId, IReadOnlyCollection<string> principals, CancellationToken cancellationToken);

    /// <summary>The normalised text the document's chunks were cut from (system use, no ACL restriction).</summary>
    Task<string?> GetDocumentTextAsync(string tenantId, string documentId, CancellationToken cancellationToken);

    /// <summary>The normalised text, if the document's ACL admits one of <paramref name="principals"/>.</summary>
    Task<string?> GetDocumentTextAsync(
        string tenantId, string documentId, IReadOnlyCollection<string> principals, CancellationToken cancellationToken);

    Task<DocumentPage> ListDocumentsAsync(DocumentListQuery query, CancellationToken cancellationToken);

    /// <summary>What incremental sync needs to decide whether a document of <paramref name="source"/> changed.</summary>
    Task<IReadOnlyDictionary<string, DocumentFingerprint>> GetFingerprintsAsync(
        string tenantId, string source, CancellationToken cancellationToken);

    /// <summary>Adds the document or replaces it and all its chunks (and parent passages) in one transaction, and
    /// returns it as stored. Refuses, without writing anything, a write whose <see cref="DocumentRecord.SourceVersion"/>
    /// is lower than the stored one; <see cref="UpsertResult.Applied"/> is then false and the stored document is
    /// returned.</summary>
    Task<UpsertResult> UpsertDocumentAsync(DocumentWrite write, CancellationToken cancellationToken);

    Task<bool> DeleteDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken);

    /// <summary>Nearest chunks by cosine similarity to a unit-length query vector; score is the cosine.</summary>
    Task<IReadOnlyList<ScoredChunk>> SearchDenseAsync(
        ReadOnlyMemory<float> queryVector, SearchFilter filter, int limit, CancellationToken cancellationToken);

    /// <summary>Best chunks by BM25 for the terms of <paramref name="query"/>; score is BM25 (higher is better).</summary>
    Task<IReadOnlyList<ScoredChunk>> SearchLexicalAsync(
        string query, SearchFilter filter, int limit, CancellationToken cancellationToken);

    Task<IndexStatistics> GetStatisticsAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Where the tenant's index stands: the live generation and a counter that every applied write of the
    /// tenant (an upsert that changed something, a delete that removed something) increases, in the same transaction
    /// as the write. Two reads that return the same version saw the same documents, chunks and ACLs, so results
    /// derived from them (cached answers) stay valid exactly as long as the version does. One cheap round trip.</summary>
    Task<IndexVersion> GetIndexVersionAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>When the newest applied write of any tenant happened: the latest <see cref="IndexStatistics.LastChange"/>
    /// of all tenants, null when nothing was ever written. An operational read across tenants for the staleness gauge:
    /// it returns a time and nothing else, no tenant id and no tenant data. One cheap query, whatever the number of
    /// tenants and documents.</summary>
    Task<DateTimeOffset?> GetLastChangeAsync(CancellationToken cancellationToken);

    /// <summary>A cheap round trip that proves the store answers; throws when it does not.</summary>
    Task CheckHealthAsync(CancellationToken cancellationToken);
}

/// <summary>The configuration a new index generation is built with.</summary>
public sealed record IndexConfiguration(string EmbeddingModel, int Dimensions, string ChunkerVersion);

/// <summary>Everything one document write replaces: the record, its normalised text, its chunks and the parent
/// passages the chunks point into (empty unless parent–child chunking is on).</summary>
public sealed record DocumentWrite(DocumentRecord Document, string Text, IReadOnlyList<ChunkRecord> Chunks)
{
    public IReadOnlyList<string> Parents { get; init; } = [];
}

public sealed record UpsertResult(DocumentRecord Document, bool Applied);

public sealed record DocumentFingerprint(string ContentHash, string ChunkerVersion, string EmbeddingModel);

public sealed record DocumentListQuery
{
    public required string TenantId { get; init; }

    /// <summary>Only documents these principals may read; null for no ACL restriction (system use only).</summary>
    public IReadOnlyCollection<string>? Principals { get; init; }
    public string? Source { get; init; }
    public int Limit { get; init; } = 100;

    /// <summary>Opaque continuation token from the previous page.</summary>
    public string? After { get; init; }
}

public sealed record DocumentPage(IReadOnlyList<DocumentRecord> Documents, string? Next);

/// <param name="LastChange">When the tenant's newest applied write happened (an upsert that changed something or a
/// delete that removed something, as <see cref="IndexVersion.Changes"/> counts them); null if it was never written.</param>
public sealed record IndexStatistics(int Documents, int Chunks, IndexGeneration Generation, DateTimeOffset? LastChange);

/// <param name="Generation">The live index generation's id.</param>
/// <param name="Changes">Applied writes in the tenant so far; never decreases (0 for a tenant never written).</param>
public sealed record IndexVersion(int Generation, long Changes)
{
    /// <summary>When the live generation was created. A database that is dropped and rebuilt starts again at
    /// generation 1 with no changes; this tells the two apart, so a cache that outlives the database (Redis) cannot
    /// match an answer built from the old one.</summary>
    public DateTimeOffset? GenerationCreatedAt { get; init; }

    public override string ToString() => $"g{Generation}.{Changes}";
}
