using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Chunking;

public enum ChunkingStrategy
{
    /// <summary>Paragraphs, then lines, sentences and words, packed up to <see cref="ChunkingOptions.MaxTokens"/>.</summary>
    Recursive,

    /// <summary>Heading-aware: sections of the document's structure become chunks.</summary>
    Structured,

    /// <summary>Small-to-big: small chunks are searched, their larger parent passage goes to the generator.</summary>
    ParentChild,
}

public sealed class ChunkingOptions
{
    public ChunkingStrategy Strategy { get; set; } = ChunkingStrategy.Recursive;

    /// <summary>Upper bound of a chunk, in tokens of the configured token counter.</summary>
    [Range(32, 8192)]
    public int MaxTokens { get; set; } = 400;

    /// <summary>Tokens of the previous chunk repeated at the start of the next, so that a fact cut by a boundary
    /// is whole in at least one chunk.</summary>
    [Range(0, 4096)]
    public int OverlapTokens { get; set; } = 60;

    /// <summary>Stored with every chunk; a change re-chunks documents on the next sync.</summary>
    public string Version => $"recursive-v1/{MaxTokens}/{OverlapTokens}";

    public void Validate()
    {
        if (MaxTokens < 32)
        {
            throw new InvalidOperationException("Chunking:MaxTokens must be at least 32.");
        }

        if (OverlapTokens < 0 || OverlapTokens >= MaxTokens / 2)
        {
            throw new InvalidOperationException("Chunking:OverlapTokens must be between 0 and half of MaxTokens.");
        }
    }
}
