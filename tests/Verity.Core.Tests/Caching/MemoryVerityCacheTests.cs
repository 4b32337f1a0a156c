using Verity.Core.Caching;

namespace Verity.Core.Tests.Caching;

public sealed class MemoryVerityCacheTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static byte[] Bytes(int length, byte fill = 7) => Enumerable.Repeat(fill, length).ToArray();

    [Fact]
    public async Task GetAsync_AfterSet_ReturnsEqualBytes()
    {
        var cache = new MemoryVerityCache();
        await cache.SetAsync("k", [1, 2, 3], Hour, default);

        Assert.Equal([1, 2, 3], await cache.GetAsync("k", default));
        Assert.Null(await cache.GetAsync("other", default));
        Assert.Equal("memory", cache.Kind);
    }

    [Fact]
    public async Task SetAsync_CallerMutatesArrays_StoredValueUnchanged()
    {
        var cache = new MemoryVerityCache();
        byte[] written = [1, 2, 3];
        await cache.SetAsync("k", written, Hour, default);
        written[0] = 99;
        var read = await cache.GetAsync("k", default);
        read![1] = 99;

        Assert.Equal([1, 2, 3], await cache.GetAsync("k", default));
    }

    [Fact]
    public async Task SetAsync_MoreThanMaxEntries_EvictsLeastRecentlyUsed()
    {
        var cache = new MemoryVerityCache(new MemoryVerityCacheOptions { MaxEntries = 3 });
        await cache.SetAsync("a", [1], Hour, default);
        await cache.SetAsync("b", [2], Hour, default);
        await cache.SetAsync("c", [3], Hour, default);
        Assert.NotNull(await cache.GetAsync("a", default)); // "b" is now the least recently used

        await cache.SetAsync("d", [4], Hour, default);

        Assert.Equal(3, cache.Count);
        Assert.Null(await cache.GetAsync("b", default));
        Assert.NotNull(await cache.GetAsync("a", default));
        Assert.NotNull(await cache.GetAsync("c", default));
        Assert.NotNull(await cache.GetAsync("d", default));
    }

    [Fact]
    public async Task SetAsync_OverMaxBytes_EvictsUntilWithinBudget()
    {
        var cache = new MemoryVerityCache(new MemoryVerityCacheOptions { MaxBytes = 3_000 });
        await cache.SetAsync("a", Bytes(1_000), Hour, default);
        await cache.SetAsync("b", Bytes(1_000), Hour, default);
        Assert.Equal(2, cache.Count);

        await cache.SetAsync("c", Bytes(1_000), Hour, default);

        Assert.Null(await cache.GetAsync("a", default));
        Assert.NotNull(await cache.GetAsync("b", default));
        Assert.NotNull(await cache.GetAsync("c", default));
        Assert.InRange(cache.Bytes, 2_000, 3_000);
    }

    [Fact]
    public async Task SetAsync_ValueLargerThanBudget_NotStoredAndOldValueGone()
    {
        var cache = new MemoryVerityCache(new MemoryVerityCacheOptions { MaxBytes = 1_000 });
        await cache.SetAsync("k", [1], Hour, default);

        await cache.SetAsync("k", Bytes(2_000), Hour, default);

        Assert.Null(await cache.GetAsync("k", default));
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public async Task SetAsync_SameKeyTwice_ReplacesValueAndAccounting()
    {
        var cache = new MemoryVerityCache();
        await cache.SetAsync("k", Bytes(500), Hour, default);
        var afterFirst = cache.Bytes;

        await cache.SetAsync("k", Bytes(100, fill: 3), Hour, default);

        Assert.Equal(1, cache.Count);
        Assert.Equal(afterFirst - 400, cache.Bytes);
        Assert.Equal(Bytes(100, fill: 3), await cache.GetAsync("k", default));
    }

    [Fact]
    public async Task GetAsync_AfterTimeToLive_Miss()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2025-01-01T00:00:00Z"));
        var cache = new MemoryVerityCache(time: clock);
        await cache.SetAsync("short", [1], TimeSpan.FromMinutes(5), default);
        await cache.SetAsync("long", [2], TimeSpan.FromMinutes(30), default);

        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.NotNull(await cache.GetAsync("short", default));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await cache.GetAsync("short", default));
        Assert.NotNull(await cache.GetAsync("long", default));
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public async Task SetAsync_NonPositiveTimeToLive_NotStored()
    {
        var cache = new MemoryVerityCache();
        await cache.SetAsync("k", [1], Hour, default);

        await cache.SetAsync("k", [2], TimeSpan.Zero, default);

        Assert.Null(await cache.GetAsync("k", default));
    }

    [Fact]
    public async Task SetAsync_MaximalTimeToLive_DoesNotOverflow()
    {
        var cache = new MemoryVerityCache();

        await cache.SetAsync("k", [1], TimeSpan.MaxValue, default);

        Assert.NotNull(await cache.GetAsync("k", default));
    }

    [Fact]
    public async Task Concurrency_ManyWritersAndReaders_StaysWithinBoundsAndConsistent()
    {
        var cache = new MemoryVerityCache(new MemoryVerityCacheOptions { MaxEntries = 100, MaxBytes = 50_000 });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var key = $"k{(i * 7 + worker) % 300}";
                if (i % 3 == 0)
                {
                    await cache.SetAsync(key, Bytes(key.Length * 10, (byte)key.Length), Hour, default);
                }
                else if (await cache.GetAsync(key, default) is { } value)
                {
                    // A value is always the one written for its key, never a torn or foreign one.
                    Assert.Equal(Bytes(key.Length * 10, (byte)key.Length), value);
                }
            }
        })));

        Assert.InRange(cache.Count, 1, 100);
        Assert.InRange(cache.Bytes, 1, 50_000);
    }
}
