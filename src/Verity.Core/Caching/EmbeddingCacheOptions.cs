namespace Verity.Core.Caching;

public sealed class EmbeddingCacheOptions
{
    /// <summary>A model's vector for a text never changes (the key names the model and dimensions), so this only
    /// bounds how long an unused entry occupies the cache.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);
}
