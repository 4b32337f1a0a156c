using Verity.Core.Model;
using Verity.Core.Retrieval;

namespace Verity.Core.Tests.Guardrails;

internal static class GuardrailTestData
{
    public static SearchResult Source(string documentId, string text, string title = "Handbook", string headingPath = "Section", int ordinal = 0) =>
        new(
            new IndexedChunk
            {
                Id = IndexedChunk.MakeId(documentId, ordinal),
                DocumentId = documentId,
                DocumentTitle = title,
                Ordinal = ordinal,
                Text = text,
                HeadingPath = headingPath,
            },
            0.03,
            text,
            1,
            1);
}
