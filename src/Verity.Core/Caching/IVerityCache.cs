namespace Verity.Core.Caching;

/// <summary>
/// A bounded key/value cache of opaque bytes, shared by the embedding and answer caches: in process by default
/// (<c>MemoryVerityCache</c>), Redis when configured, so replicas share hits. Keys are already hashed and
/// namespaced by the caller. A cache is an optimisation: an implementation that cannot reach its backend returns a
/// miss and drops the write rather than failing the request.
/// </summary>
public interface IVerityCache
{
    /// <summary>Short name for logs and statistics (e.g. <c>memory</c>, <c>redis</c>).</summary>
    string Kind { get; }

    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken);
}
