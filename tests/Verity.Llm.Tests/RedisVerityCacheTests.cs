using System.Diagnostics;
using StackExchange.Redis;

namespace Verity.Llm.Tests;

public sealed class RedisVerityCacheTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static string NewKey() => "test:" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task SetThenGet_SameKey_ReturnsTheBytesStoredUnderThePrefix()
    {
        await using var cache = new RedisVerityCache(redis.ConnectionString);
        var key = NewKey();
        byte[] value = [0, 1, 2, 255, 128];

        await cache.SetAsync(key, value, TimeSpan.FromMinutes(1), CancellationToken.None);
        var read = await cache.GetAsync(key, CancellationToken.None);

        Assert.Equal(value, read);
        Assert.Equal("redis", cache.Kind);
        await using var direct = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var ttl = await direct.GetDatabase().KeyTimeToLiveAsync("verity:" + key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Get_UnknownKeyOrOtherPrefix_Misses()
    {
        await using var cache = new RedisVerityCache(redis.ConnectionString);
        await using var other = new RedisVerityCache(redis.ConnectionString, keyPrefix: "other:");
        var key = NewKey();
        await cache.SetAsync(key, [1], TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Null(await cache.GetAsync(NewKey(), CancellationToken.None));
        Assert.Null(await other.GetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Get_AfterTheTimeToLive_Misses()
    {
        await using var cache = new RedisVerityCache(redis.ConnectionString);
        var key = NewKey();

        await cache.SetAsync(key, [7], TimeSpan.FromMilliseconds(150), CancellationToken.None);
        var before = await cache.GetAsync(key, CancellationToken.None);
        await Task.Delay(300);
        var after = await cache.GetAsync(key, CancellationToken.None);

        Assert.Equal([7], before!);
        Assert.Null(after);
    }

    [Fact]
    public async Task Set_NonPositiveTimeToLive_StoresNothing()
    {
        await using var cache = new RedisVerityCache(redis.ConnectionString);
        var key = NewKey();

        await cache.SetAsync(key, [1], TimeSpan.Zero, CancellationToken.None);

        Assert.Null(await cache.GetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task GetAndSet_NothingListening_MissWithinTheTimeoutsWithoutThrowingAndWarnOnce()
    {
        var logs = new ListLogger();
        await using var cache = new RedisVerityCache($"127.0.0.1:{RedisServer.FreePort()}", logs.For<RedisVerityCache>());
        var watch = Stopwatch.StartNew();

        await cache.SetAsync("k", [1], TimeSpan.FromMinutes(1), CancellationToken.None);
        var first = await cache.GetAsync("k", CancellationToken.None);
        var second = await cache.GetAsync("k", CancellationToken.None);

        Assert.Null(first);
        Assert.Null(second);
        // Bounded by the cache's own connect and operation timeouts (2 s + 1 s), never by the caller waiting on a dead
        // server; the margin absorbs a loaded CI machine (it took 4 s there once) and is not a speed target.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), watch.Elapsed.ToString());
        Assert.Equal([7020], logs.EventIds);
    }

    [Fact]
    public async Task Get_ServerStopsAfterConnecting_MissesWithoutThrowing()
    {
        var own = new RedisServer();
        await own.InitializeAsync();
        try
        {
            await using var cache = new RedisVerityCache(own.ConnectionString);
            await cache.SetAsync("k", [1], TimeSpan.FromMinutes(1), CancellationToken.None);
            Assert.Equal([1], (await cache.GetAsync("k", CancellationToken.None))!);

            await own.StopAsync();
            var read = await cache.GetAsync("k", CancellationToken.None);
            await cache.SetAsync("k", [2], TimeSpan.FromMinutes(1), CancellationToken.None);

            Assert.Null(read);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task Get_CallerCancelled_ThrowsOperationCanceled()
    {
        await using var cache = new RedisVerityCache(redis.ConnectionString);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cache.GetAsync("k", cancelled.Token).AsTask());
    }
}
