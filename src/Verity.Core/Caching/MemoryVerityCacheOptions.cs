using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Caching;

/// <summary>Bounds of the in-process cache; whichever is reached first evicts the least recently used entries.</summary>
public sealed class MemoryVerityCacheOptions
{
    [Range(1, int.MaxValue)]
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Approximate memory budget: value bytes plus the key and a fixed per-entry overhead.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;
}
