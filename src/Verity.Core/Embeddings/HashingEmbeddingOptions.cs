namespace Verity.Core.Embeddings;

public sealed class HashingEmbeddingOptions
{
    /// <summary>Vector length. More dimensions mean fewer hash collisions and more memory per chunk.</summary>
    public int Dimensions { get; set; } = 512;

    public int MinCharNGram { get; set; } = 3;

    public int MaxCharNGram { get; set; } = 5;

    public string ModelId => $"verity-hashing-v1-d{Dimensions}-c{MinCharNGram}{MaxCharNGram}";
}
