using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Retrieval;

public sealed class RetrievalOptions
{
    /// <summary>Candidates each retriever contributes to fusion; more gives fusion more to work with.</summary>
    [Range(1, 1000)]
    public int CandidatesPerRetriever { get; set; } = 50;

    [Range(1, 1000)]
    public int RrfK { get; set; } = 60;

    [Range(1, 100)]
    public int DefaultTopK { get; set; } = 8;

    [Range(1, 1000)]
    public int MaxTopK { get; set; } = 100;

    /// <summary>Longest accepted query, in characters.</summary>
    [Range(16, 100_000)]
    public int MaxQueryLength { get; set; } = 2000;
}
