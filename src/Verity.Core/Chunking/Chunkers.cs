using Verity.Core.Text;

namespace Verity.Core.Chunking;

public static class Chunkers
{
    /// <summary>The chunker the options name.</summary>
    public static IChunker Create(ITokenCounter tokens, ChunkingOptions options) => options.Strategy switch
    {
        ChunkingStrategy.Recursive => new RecursiveChunker(tokens, options),
        ChunkingStrategy.Structured => new StructuredChunker(tokens, options),
        ChunkingStrategy.ParentChild => new ParentChildChunker(tokens, options),
        _ => throw new InvalidOperationException($"Chunking strategy '{options.Strategy}' is not available."),
    };
}
