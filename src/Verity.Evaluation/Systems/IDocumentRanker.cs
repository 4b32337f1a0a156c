namespace Verity.Evaluation.Systems;

/// <summary>A retrieval system under evaluation: a query in, document ids best first out.</summary>
public interface IDocumentRanker
{
    string Name { get; }

    /// <summary>"verity" for Verity's own modes, "peer" for the engines it is compared with.</summary>
    string Kind { get; }

    Task<IReadOnlyList<string>> RankAsync(string query, int depth, CancellationToken cancellationToken);
}
