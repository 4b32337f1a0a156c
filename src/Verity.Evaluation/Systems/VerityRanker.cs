using Verity.Core.Model;
using Verity.Core.Retrieval;

namespace Verity.Evaluation.Systems;

/// <summary>Verity's retriever in one mode. It ranks chunks; a document takes the rank of its best chunk, so more
/// chunks are fetched than documents are needed.</summary>
public sealed class VerityRanker(Retriever retriever, SearchMode mode, string tenantId) : IDocumentRanker
{
    private const int ChunksPerDocument = 3;

    public string Name => mode.ToString().ToLowerInvariant();

    public string Kind => "verity";

    public async Task<IReadOnlyList<string>> RankAsync(string query, int depth, CancellationToken cancellationToken)
    {
        var response = await retriever.SearchAsync(
            new SearchRequest
            {
                Query = query,
                TenantId = tenantId,
                Mode = mode,
                TopK = Math.Min(retriever.Options.MaxTopK, depth * ChunksPerDocument),
                IncludeExcerpts = false,
            },
            cancellationToken).ConfigureAwait(false);

        var documents = new List<string>(depth);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in response.Results)
        {
            if (seen.Add(result.Chunk.DocumentId))
            {
                documents.Add(result.Chunk.DocumentId);
                if (documents.Count == depth)
                {
                    break;
                }
            }
        }

        return documents;
    }
}
