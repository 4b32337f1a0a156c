using Verity.Core.Model;

namespace Verity.Core;

public static class IndexStoreExtensions
{
    /// <summary>Writes an unversioned document without parent passages and returns it as stored.</summary>
    public static async Task<DocumentRecord> UpsertDocumentAsync(
        this IIndexStore store, DocumentRecord document, string text, IReadOnlyList<ChunkRecord> chunks,
        CancellationToken cancellationToken)
    {
        var result = await store.UpsertDocumentAsync(new DocumentWrite(document, text, chunks), cancellationToken).ConfigureAwait(false);
        return result.Document;
    }
}
