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

    /// <summary>Upper bound of a chunk, in tokens of the configured token counter (recursive and structured).</summary>
    [Range(32, 8192)]
    public int MaxTokens { get; set; } = 400;

    /// <summary>Tokens of the previous chunk repeated at the start of the next, so that a fact cut by a boundary
    /// is whole in at least one chunk (recursive only: structured chunks follow the document's own boundaries).</summary>
    [Range(0, 4096)]
    public int OverlapTokens { get; set; } = 60;

    /// <summary>Upper bound of a parent passage, the text the generator reads (parent–child).</summary>
    [Range(64, 8192)]
    public int ParentMaxTokens { get; set; } = 1200;

    /// <summary>Upper bound of a child chunk, the unit that is embedded and searched (parent–child).</summary>
    [Range(32, 4096)]
    public int ChildMaxTokens { get; set; } = 128;

    /// <summary>Tokens of the previous child repeated at the start of the next within a parent (parent–child).</summary>
    [Range(0, 2048)]
    public int ChildOverlapTokens { get; set; } = 20;

    /// <summary>Stored with every chunk; a change re-chunks documents on the next sync. Names the strategy and
    /// only the settings that strategy reads, so changing an unused setting re-chunks nothing.</summary>
    public string Version => Strategy switch
    {
        ChunkingStrategy.Structured => StructuredChunker.VersionOf(this),
        ChunkingStrategy.ParentChild => ParentChildChunker.VersionOf(this),
        _ => RecursiveChunker.VersionOf(this),
    };

    public void Validate()
    {
        if (!Enum.IsDefined(Strategy))
        {
            throw new InvalidOperationException("Chunking:Strategy must be Recursive, Structured or ParentChild.");
        }

        if (MaxTokens < 32)
        {
            throw new InvalidOperationException("Chunking:MaxTokens must be at least 32.");
        }

        if (OverlapTokens < 0 || OverlapTokens >= MaxTokens / 2)
        {
            throw new InvalidOperationException("Chunking:OverlapTokens must be between 0 and half of MaxTokens.");
        }

        if (ChildMaxTokens < 32)
        {
            throw new InvalidOperationException("Chunking:ChildMaxTokens must be at least 32.");
        }

        // A parent no larger than two children gives the generator hardly more than the child it found.
        if (ParentMaxTokens < 2 * ChildMaxTokens)
        {
            throw new InvalidOperationException("Chunking:ParentMaxTokens must be at least twice ChildMaxTokens.");
        }

        if (ChildOverlapTokens < 0 || ChildOverlapTokens >= ChildMaxTokens / 2)
        {
            throw new InvalidOperationException("Chunking:ChildOverlapTokens must be between 0 and half of ChildMaxTokens.");
        }
    }
}
