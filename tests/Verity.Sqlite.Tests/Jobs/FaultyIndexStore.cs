using System.Collections.Concurrent;
using Verity.Core;
using Verity.Core.Model;

namespace Verity.Sqlite.Tests.Jobs;

/// <summary>
/// A real index store with faults injected into the writes of chosen documents: the first N upserts throw, or an
/// upsert hangs until it is cancelled. Counts every upsert that reaches it, per document, so a test can tell how many
/// attempts a document took. Everything else goes straight to the store underneath.
/// </summary>
internal sealed class FaultyIndexStore(IIndexStore inner) : IIndexStore
{
    private readonly ConcurrentDictionary<string, Fault> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _upserts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _hangs = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="times"/> upserts of <paramref name="documentId"/> throw what
    /// <paramref name="error"/> makes (a transient <see cref="StoreUnavailableException"/> unless given).</summary>
    public void FailUpserts(string documentId, int times, Func<Exception>? error = null) =>
        _faults[documentId] = new Fault(times, error ?? (() => new StoreUnavailableException("The index is busy; try again.", isTransient: true)));

    /// <summary>The next upsert of <paramref name="documentId"/> waits until its token is cancelled; the returned
    /// task completes when it has started waiting.</summary>
    public Task HangNextUpsert(string documentId)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hangs[documentId] = entered;
        return entered.Task;
    }

    public int UpsertsOf(string documentId) => _upserts.GetValueOrDefault(documentId);

    public IReadOnlyDictionary<string, int> Upserts => _upserts;

    public async Task<UpsertResult> UpsertDocumentAsync(DocumentWrite write, CancellationToken cancellationToken)
    {
        var id = write.Document.Id;
        _upserts.AddOrUpdate(id, 1, (_, n) => n + 1);
        if (_hangs.TryRemove(id, out var entered))
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (_faults.TryGetValue(id, out var fault) && fault.TryTake())
        {
            throw fault.Error();
        }

        return await inner.UpsertDocumentAsync(write, cancellationToken);
    }

    public Task<IndexGeneration> InitializeAsync(IndexConfiguration configuration, CancellationToken cancellationToken) =>
        inner.InitializeAsync(configuration, cancellationToken);

    public Task<DocumentRecord?> GetDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken) =>
        inner.GetDocumentAsync(tenantId, documentId, cancellationToken);

    public Task<DocumentRecord?> GetDocumentAsync(
        string tenantId, string documentId, IReadOnlyCollection<string> principals, CancellationToken cancellationToken) =>
        inner.GetDocumentAsync(tenantId, documentId, principals, cancellationToken);

    public Task<string?> GetDocumentTextAsync(string tenantId, string documentId, CancellationToken cancellationToken) =>
        inner.GetDocumentTextAsync(tenantId, documentId, cancellationToken);

    public Task<string?> GetDocumentTextAsync(
        string tenantId, string documentId, IReadOnlyCollection<string> principals, CancellationToken cancellationToken) =>
        inner.GetDocumentTextAsync(tenantId, documentId, principals, cancellationToken);

    public Task<DocumentPage> ListDocumentsAsync(DocumentListQuery query, CancellationToken cancellationToken) =>
        inner.ListDocumentsAsync(query, cancellationToken);

    public Task<IReadOnlyDictionary<string, DocumentFingerprint>> GetFingerprintsAsync(
        string tenantId, string source, CancellationToken cancellationToken) =>
        inner.GetFingerprintsAsync(tenantId, source, cancellationToken);

    public Task<bool> DeleteDocumentAsync(string tenantId, string documentId, CancellationToken cancellationToken) =>
        inner.DeleteDocumentAsync(tenantId, documentId, cancellationToken);

    public Task<IReadOnlyList<ScoredChunk>> SearchDenseAsync(
        ReadOnlyMemory<float> queryVector, SearchFilter filter, int limit, CancellationToken cancellationToken) =>
        inner.SearchDenseAsync(queryVector, filter, limit, cancellationToken);

    public Task<IReadOnlyList<ScoredChunk>> SearchLexicalAsync(
        string query, SearchFilter filter, int limit, CancellationToken cancellationToken) =>
        inner.SearchLexicalAsync(query, filter, limit, cancellationToken);

    public Task<IndexStatistics> GetStatisticsAsync(string tenantId, CancellationToken cancellationToken) =>
        inner.GetStatisticsAsync(tenantId, cancellationToken);

    public Task<IndexVersion> GetIndexVersionAsync(string tenantId, CancellationToken cancellationToken) =>
        inner.GetIndexVersionAsync(tenantId, cancellationToken);

    public Task<DateTimeOffset?> GetLastChangeAsync(CancellationToken cancellationToken) => inner.GetLastChangeAsync(cancellationToken);

    public Task CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

    private sealed class Fault(int times, Func<Exception> error)
    {
        private int _left = times;

        public Func<Exception> Error { get; } = error;

        public bool TryTake() => Interlocked.Decrement(ref _left) >= 0;
    }
}
