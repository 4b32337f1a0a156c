using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Chunking;

public sealed class ChunkingOptions
{
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
