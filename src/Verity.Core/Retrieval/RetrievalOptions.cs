using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Retrieval;

public sealed class RetrievalOptions
{
    /// <summary>Candidates each retriever contributes to fusion; more gives fusion more to work with.</summary>
    [Range(1, 1000)]
    public int CandidatesPerRetriever { get; set; } = 50;

    [Range(1, 1000)]
    public int RrfK { get; set; } = 60;

    /// <summary>Weight of the dense ranking in hybrid fusion (weighted RRF). Low by default because the default
    /// weight-free hashing embedder ranks worse than BM25 (SciFact nDCG@10 0.502 vs 0.692): at 1.0 hybrid fell to
    /// 0.602, at 0.2 it is 0.669 (see docs/benchmarks.md). With a trained embedding model, use 1.0.</summary>
    [Range(0.0, 10.0)]
    public double DenseWeight { get; set; } = 0.2;

    /// <summary>Weight of the lexical (BM25) ranking in hybrid fusion.</summary>
    [Range(0.0, 10.0)]
    public double LexicalWeight { get; set; } = 1.0;

    [Range(1, 100)]
    public int DefaultTopK { get; set; } = 8;

    [Range(1, 1000)]
    public int MaxTopK { get; set; } = 100;

    /// <summary>Longest accepted query, in characters.</summary>
    [Range(16, 100_000)]
    public int MaxQueryLength { get; set; } = 2000;
}
