using Verity.Core;
using Verity.Core.Caching;
using Verity.Core.Model;

namespace Verity.Llm.Tests;

/// <summary>The answer cache over Redis, as two API replicas use it: one replica's answer is the other's hit, and
/// neither serves it to a caller with other permissions or over a changed index.</summary>
public sealed class RedisAnswerCacheTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly string[] Ann = ["user:ann", "group:finance"];
    private static readonly string[] Bob = ["user:bob", "group:finance"];

    private sealed record Answer(string Text, IReadOnlyList<string> ChunkIds);

    [Fact]
    public async Task AnswerStoredByOneReplica_IsAHitForAnotherWithTheSamePermissionsOnly()
    {
        await using var redisA = new RedisVerityCache(redis.ConnectionString);
        await using var redisB = new RedisVerityCache(redis.ConnectionString);
        var options = new AnswerCacheOptions();
        var statisticsB = new CacheStatistics();
        var replicaA = new AnswerCache(redisA, new CacheStatistics(), options);
        var replicaB = new AnswerCache(redisB, statisticsB, options);
        var question = "What is the bonus pool? " + Guid.NewGuid().ToString("N");
        var version = new IndexVersion(1, 7) { GenerationCreatedAt = DateTimeOffset.UnixEpoch };
        var stored = new Answer("Four percent of salary [1].", ["bonus#0"]);

        await replicaA.SetAsync(Key(question, Ann, version), stored, CancellationToken.None);

        var sameCaller = await replicaB.GetAsync<Answer>(Key(question, Ann, version), CancellationToken.None);
        var otherCaller = await replicaB.GetAsync<Answer>(Key(question, Bob, version), CancellationToken.None);
        var afterAWrite = await replicaB.GetAsync<Answer>(Key(question, Ann, version with { Changes = 8 }), CancellationToken.None);

        Assert.NotNull(sameCaller);
        Assert.Equal(stored.Text, sameCaller.Text);
        Assert.Equal(stored.ChunkIds, sameCaller.ChunkIds);
        Assert.Null(otherCaller);
        Assert.Null(afterAWrite);
        var counter = Assert.Single(statisticsB.Snapshot());
        Assert.Equal((1, 2), (counter.Hits, counter.Misses));
    }

    private static AnswerCacheKey Key(string question, IReadOnlyCollection<string> principals, IndexVersion version) =>
        AnswerCacheKey.Create(question, "acme", principals, version, SearchMode.Hybrid, 5, null, null, "grounded@1|extractive");
}
