namespace Verity.Core.Caching;

/// <summary>The caches, bound from <c>Verity:Cache</c>.</summary>
public sealed class CacheOptions
{
    /// <summary>A Redis connection string (<c>host:port,password=…</c>): when set, answers and query vectors are
    /// cached in Redis and shared by every replica; otherwise in this process (<see cref="Memory"/>).</summary>
    public string? Redis { get; set; }

    public MemoryVerityCacheOptions Memory { get; set; } = new();

    public AnswerCacheOptions Answers { get; set; } = new();

    public EmbeddingCacheOptions Embeddings { get; set; } = new();

    public override string ToString() => $"Cache(Redis: {(Redis is null ? "off" : "on")})";
}
