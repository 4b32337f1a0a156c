namespace Verity.Llm;

/// <summary>A remote embedding model (<c>Llm:Embeddings</c>). Its model id and <see cref="Dimensions"/> are what the
/// index records: changing either means re-indexing, and the index refuses to mix vectors of different models.</summary>
public sealed class EmbeddingEndpointOptions : RemoteEndpointOptions
{
    public EmbeddingEndpointOptions() => Name = "embeddings";

    /// <summary>Length of the vectors (required). Every returned vector is checked against it.</summary>
    public int Dimensions { get; set; }

    /// <summary>Send <see cref="Dimensions"/> with every request, for models that can shorten their vectors
    /// (OpenAI's text-embedding-3-*). Turn off for models of a fixed size that reject the parameter (ada-002, most
    /// models served by vLLM or Ollama).</summary>
    public bool RequestDimensions { get; set; } = true;

    /// <summary>Inputs per request; larger inputs are sent in several requests, each with its own retries.</summary>
    public int BatchSize { get; set; } = 64;

    internal override void CollectProblems(string section, List<string> problems)
    {
        base.CollectProblems(section, problems);
        EndpointValidation.CheckEmbeddings(this, section, problems);
    }
}
