using System.Text;
using Verity.Core.Caching;
using Verity.Core.Model;

namespace Verity.Core.Tests.Caching;

public sealed class AnswerCacheTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2025-03-01T09:00:00Z");

    private readonly ManualClock _clock = new(Start);
    private readonly MemoryVerityCache _store;
    private readonly CacheStatistics _statistics = new();

    public AnswerCacheTests() => _store = new MemoryVerityCache(time: _clock);

    private AnswerCache Cache(AnswerCacheOptions? options = null, IVerityCache? store = null) =>
        new(store ?? _store, _statistics, options ?? new AnswerCacheOptions());

    private static AnswerCacheKey Key(IReadOnlyCollection<string>? principals, IndexVersion? version = null, string question = "What is the travel policy?") =>
        AnswerCacheKey.Create(question, "acme", principals, version ?? new IndexVersion(1, 10), SearchMode.Hybrid, 5, null, null, "t@1");

    private CacheCounter Answers() =>
        _statistics.Snapshot().SingleOrDefault(counter => counter.Cache == AnswerCache.StatisticsName) ?? new CacheCounter(AnswerCache.StatisticsName, 0, 0);

    [Fact]
    public async Task GetAsync_AfterSet_ReturnsEqualValueAndCountsHit()
    {
        var cache = Cache();
        var answer = new StoredAnswer("Travel is booked through the portal [1].", ["travel.md"], 0.92, new StoredUsage(812, 40));
        var key = Key(["user:ann"]);

        Assert.Null(await cache.GetAsync<StoredAnswer>(key, default));
        await cache.SetAsync(key, answer, default);
        var read = await cache.GetAsync<StoredAnswer>(key, default);

        Assert.NotNull(read);
        Assert.Equal(answer.Text, read.Text);
        Assert.Equal(answer.Sources, read.Sources);
        Assert.Equal(answer.Score, read.Score);
        Assert.Equal(answer.Usage, read.Usage);
        Assert.Equal(new CacheCounter(AnswerCache.StatisticsName, 1, 1), Answers());
    }

    [Fact]
    public async Task SetAsync_Stored_AsWebJson()
    {
        var key = Key(["user:ann"]);
        await Cache().SetAsync(key, new StoredAnswer("A", [], 1, null), default);

        var json = Encoding.UTF8.GetString((await _store.GetAsync(key.Value, default))!);

        Assert.Contains("\"text\":\"A\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_OtherPrincipals_NeverServedAnotherCallersAnswer()
    {
        var cache = Cache();
        await cache.SetAsync(Key(["user:ann", "group:finance"]), new StoredAnswer("Salaries are ...", ["payroll.xlsx"], 1, null), default);

        Assert.Null(await cache.GetAsync<StoredAnswer>(Key(["user:bob", "group:staff"]), default));
        Assert.Null(await cache.GetAsync<StoredAnswer>(Key(["user:ann"]), default));
        Assert.Null(await cache.GetAsync<StoredAnswer>(Key([]), default));
        Assert.Null(await cache.GetAsync<StoredAnswer>(Key(null), default));
        Assert.NotNull(await cache.GetAsync<StoredAnswer>(Key(["group:finance", "user:ann"]), default));
    }

    [Fact]
    public async Task GetAsync_IndexChangedSinceSet_Miss()
    {
        var cache = Cache();
        await cache.SetAsync(Key(["user:ann"], new IndexVersion(1, 10)), new StoredAnswer("old", [], 1, null), default);

        Assert.Null(await cache.GetAsync<StoredAnswer>(Key(["user:ann"], new IndexVersion(1, 11)), default));
        Assert.Null(await cache.GetAsync<StoredAnswer>(Key(["user:ann"], new IndexVersion(2, 10)), default));
    }

    [Fact]
    public async Task GetAsync_AfterTimeToLive_Miss()
    {
        var cache = Cache(new AnswerCacheOptions { TimeToLive = TimeSpan.FromMinutes(10) });
        var key = Key(["user:ann"]);
        await cache.SetAsync(key, new StoredAnswer("A", [], 1, null), default);

        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.NotNull(await cache.GetAsync<StoredAnswer>(key, default));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await cache.GetAsync<StoredAnswer>(key, default));
    }

    [Fact]
    public async Task GetAsync_CorruptEntry_CountsAsMiss()
    {
        var cache = Cache();
        var key = Key(["user:ann"]);
        await _store.SetAsync(key.Value, Encoding.UTF8.GetBytes("{\"text\": [1, 2"), TimeSpan.FromHours(1), default);

        Assert.Null(await cache.GetAsync<StoredAnswer>(key, default));
        await _store.SetAsync(key.Value, Encoding.UTF8.GetBytes("null"), TimeSpan.FromHours(1), default);
        Assert.Null(await cache.GetAsync<StoredAnswer>(key, default));
        Assert.Equal(new CacheCounter(AnswerCache.StatisticsName, 0, 2), Answers());
    }

    [Fact]
    public async Task Disabled_NeitherStoresNorCounts()
    {
        var cache = Cache(new AnswerCacheOptions { Enabled = false });
        var key = Key(["user:ann"]);

        await cache.SetAsync(key, new StoredAnswer("A", [], 1, null), default);

        Assert.False(cache.Enabled);
        Assert.Null(await cache.GetAsync<StoredAnswer>(key, default));
        Assert.Null(await _store.GetAsync(key.Value, default));
        Assert.Equal(0, Answers().Lookups);
    }

    [Fact]
    public async Task BackendDown_GetMissesAndSetIsDropped()
    {
        var cache = Cache(store: new BrokenCache());
        var key = Key(["user:ann"]);

        await cache.SetAsync(key, new StoredAnswer("A", [], 1, null), default);

        Assert.Null(await cache.GetAsync<StoredAnswer>(key, default));
        Assert.Equal(new CacheCounter(AnswerCache.StatisticsName, 0, 1), Answers());
    }

    public sealed record StoredUsage(int PromptTokens, int CompletionTokens);

    public sealed record StoredAnswer(string Text, IReadOnlyList<string> Sources, double Score, StoredUsage? Usage);
}
