namespace Verity.Core.Caching;

/// <summary>
/// The in-process <see cref="IVerityCache"/>: least-recently-used eviction bounded by entry count and by bytes, and a
/// time to live per entry. Stored values are private copies, so neither the writer nor a reader can change what the
/// next reader gets. One short lock guards the index; copies are made outside it.
/// </summary>
public sealed class MemoryVerityCache : IVerityCache
{
    // The dictionary slot, list node and entry record cost memory too; without it, many tiny entries would slip
    // past MaxBytes.
    private const int EntryOverhead = 96;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);

    // Most recently used first; eviction takes from the end.
    private readonly LinkedList<Entry> _recency = new();
    private readonly TimeProvider _time;
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private long _bytes;

    public MemoryVerityCache(MemoryVerityCacheOptions? options = null, TimeProvider? time = null)
    {
        options ??= new MemoryVerityCacheOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEntries, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBytes, 1, nameof(options));
        _maxEntries = options.MaxEntries;
        _maxBytes = options.MaxBytes;
        _time = time ?? TimeProvider.System;
    }

    public string Kind => "memory";

    /// <summary>Entries held, including expired ones not yet looked up or evicted.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Bytes accounted against <see cref="MemoryVerityCacheOptions.MaxBytes"/>.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = _time.GetUtcNow();
        byte[] stored;
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return ValueTask.FromResult<byte[]?>(null);
            }

            if (node.Value.Expires <= now)
            {
                RemoveNode(node);
                return ValueTask.FromResult<byte[]?>(null);
            }

            _recency.Remove(node);
            _recency.AddFirst(node);
            stored = node.Value.Value;
        }

        // Stored arrays are never written after insertion, so copying outside the lock is safe.
        return ValueTask.FromResult<byte[]?>(stored.AsSpan().ToArray());
    }

    public ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var size = (long)value.Length + (key.Length * sizeof(char)) + EntryOverhead;
        if (timeToLive <= TimeSpan.Zero || size > _maxBytes)
        {
            // Unstorable: the old value must not outlive a write that replaced it.
            Remove(key);
            return ValueTask.CompletedTask;
        }

        var now = _time.GetUtcNow();
        var expires = timeToLive >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + timeToLive;
        var entry = new Entry(key, value.AsSpan().ToArray(), expires, size);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                RemoveNode(existing);
            }

            _entries[key] = _recency.AddFirst(entry);
            _bytes += size;
            while (_entries.Count > _maxEntries || _bytes > _maxBytes)
            {
                RemoveNode(_recency.Last!);
            }
        }

        return ValueTask.CompletedTask;
    }

    private void Remove(string key)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                RemoveNode(node);
            }
        }
    }

    // Caller holds _gate.
    private void RemoveNode(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _bytes -= node.Value.Size;
    }

    private sealed record Entry(string Key, byte[] Value, DateTimeOffset Expires, long Size);
}
