using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using Verity.Core.Caching;

namespace Verity.Core.Tests.Caching;

public sealed class CachingEmbeddingGeneratorTests
{
    private readonly MemoryVerityCache _cache = new();
    private readonly CacheStatistics _statistics = new();

    private CachingEmbeddingGenerator Wrap(RecordingEmbeddingGenerator inner, IVerityCache? cache = null) =>
        new(inner, cache ?? _cache, _statistics);

    private static float[][] Vectors(GeneratedEmbeddings<Embedding<float>> embeddings) =>
        [.. embeddings.Select(embedding => embedding.Vector.ToArray())];

    [Fact]
    public async Task GenerateAsync_PartialHits_InnerAskedOnceForMissesOnly_ResultsInInputOrder()
    {
        var inner = new RecordingEmbeddingGenerator("model-a", 8, seed: 1);
        using var generator = Wrap(inner);
        await generator.GenerateAsync(["alpha", "beta"]);

        var result = await generator.GenerateAsync(["gamma", "alpha", "delta", "beta"]);

        Assert.Equal(2, inner.Calls.Count);
        Assert.Equal(["gamma", "delta"], inner.Calls[1]);
        Assert.Equal([inner.Vector("gamma"), inner.Vector("alpha"), inner.Vector("delta"), inner.Vector("beta")], Vectors(result));
        Assert.Equal(new CacheCounter(CachingEmbeddingGenerator.StatisticsName, 2, 4), Assert.Single(_statistics.Snapshot()));
    }

    [Fact]
    public async Task GenerateAsync_AllCached_InnerNotCalled()
    {
        var inner = new RecordingEmbeddingGenerator("model-a", 8, seed: 1);
        using var generator = Wrap(inner);
        var first = await generator.GenerateAsync(["alpha", "beta"]);

        var second = await generator.GenerateAsync(["beta", "alpha"]);

        Assert.Single(inner.Calls);
        Assert.Equal([inner.Vector("beta"), inner.Vector("alpha")], Vectors(second));
        Assert.All(second, embedding => Assert.Equal("model-a", embedding.ModelId));
        Assert.Equal(Enumerable.Reverse(Vectors(first)), Vectors(second));
    }

    [Fact]
    public async Task GenerateAsync_RepeatedTextInBatch_GeneratedOnce()
    {
        var inner = new RecordingEmbeddingGenerator("model-a", 8, seed: 1);
        using var generator = Wrap(inner);

        var result = await generator.GenerateAsync(["same", "other", "same"]);

        Assert.Equal(["same", "other"], Assert.Single(inner.Calls));
        Assert.Equal([inner.Vector("same"), inner.Vector("other"), inner.Vector("same")], Vectors(result));
    }

    [Fact]
    public async Task GenerateAsync_TwoModelsShareCache_NeitherServesTheOthersVectors()
    {
        var modelA = new RecordingEmbeddingGenerator("model-a", 8, seed: 1);
        var modelB = new RecordingEmbeddingGenerator("model-b", 8, seed: 2);
        using var generatorA = Wrap(modelA);
        using var generatorB = Wrap(modelB);
        await generatorA.GenerateAsync(["alpha"]);

        var fromB = await generatorB.GenerateAsync(["alpha"]);
        var fromA = await generatorA.GenerateAsync(["alpha"]);

        Assert.Single(modelB.Calls);
        Assert.Single(modelA.Calls);
        Assert.Equal(modelB.Vector("alpha"), fromB[0].Vector.ToArray());
        Assert.Equal(modelA.Vector("alpha"), fromA[0].Vector.ToArray());
        Assert.NotEqual(fromA[0].Vector.ToArray(), fromB[0].Vector.ToArray());
    }

    [Fact]
    public async Task GenerateAsync_OptionsNameOtherModelOrDimensions_Miss()
    {
        var inner = new RecordingEmbeddingGenerator("model-a", 8, seed: 1);
        using var generator = Wrap(inner);
        await generator.GenerateAsync(["alpha"]);

        await generator.GenerateAsync(["alpha"], new EmbeddingGenerationOptions { ModelId = "model-a-v2" });
        var shorter = await generator.GenerateAsync(["alpha"], new EmbeddingGenerationOptions { Dimensions = 4 });

        Assert.Equal(3, inner.Calls.Count);
        Assert.Equal(4, shorter[0].Vector.Length);
    }

    [Fact]
    public async Task GenerateAsync_CacheBackendDown_StillAnswersFromInner()
    {
        var inner = new RecordingEmbeddingGenerator("model-a", 8, seed: 1);
        var broken = new BrokenCache();
        using var generator = Wrap(inner, broken);

        var result = await generator.GenerateAsync(["alpha", "beta"]);

        Assert.Equal([inner.Vector("alpha"), inner.Vector("beta")], Vectors(result));
        Assert.Equal(4, broken.Calls); // two reads, two writes, all failed
        Assert.Equal(new CacheCounter(CachingEmbeddingGenerator.StatisticsName, 0, 2), Assert.Single(_statistics.Snapshot()));
    }

    [Fact]
    public async Task GenerateAsync_DamagedEntry_RegeneratedAndRepaired()
    {
        var inner = new RecordingEmbeddingGenerator("model-a", 8, seed: 1);
        using var generator = Wrap(inner);
        var key = CachingEmbeddingGenerator.Key("model-a", 8, "alpha");
        await _cache.SetAsync(key, [1, 2, 3, 4, 5, 6, 7, 8], TimeSpan.FromHours(1), default); // two floats, not eight

        var result = await generator.GenerateAsync(["alpha"]);

        Assert.Equal(inner.Vector("alpha"), result[0].Vector.ToArray());
        Assert.Equal(inner.Vector("alpha"), MemoryMarshal.Cast<byte, float>(await _cache.GetAsync(key, default)).ToArray());
    }

    [Fact]
    public async Task GenerateAsync_Misses_UsageOfInnerCallKept()
    {
        var inner = new RecordingEmbeddingGenerator("model-a", 8, seed: 1);
        using var generator = Wrap(inner);

        var result = await generator.GenerateAsync(["alpha", "beta"]);

        Assert.Equal(2, result.Usage?.InputTokenCount);
    }

    [Fact]
    public void GetService_Metadata_PassesThroughUnchanged()
    {
        var inner = new RecordingEmbeddingGenerator("model-a", 8, seed: 1);
        using var generator = Wrap(inner);

        Assert.Same(inner.GetService<EmbeddingGeneratorMetadata>(), generator.GetService<EmbeddingGeneratorMetadata>());
        Assert.Equal("model-a", generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
    }

    [Fact]
    public void Key_DiffersByModelDimensionsAndText_AndFieldsNeverRunTogether()
    {
        var key = CachingEmbeddingGenerator.Key("m", 8, "text");

        Assert.StartsWith("embedding:", key, StringComparison.Ordinal);
        Assert.Equal("embedding:".Length + 64, key.Length);
        Assert.Equal(key, CachingEmbeddingGenerator.Key("m", 8, "text"));
        Assert.NotEqual(key, CachingEmbeddingGenerator.Key("m2", 8, "text"));
        Assert.NotEqual(key, CachingEmbeddingGenerator.Key("m", 16, "text"));
        Assert.NotEqual(key, CachingEmbeddingGenerator.Key("m", null, "text"));
        Assert.NotEqual(key, CachingEmbeddingGenerator.Key("m", 8, "text "));
        Assert.NotEqual(CachingEmbeddingGenerator.Key("ab", 8, "c"), CachingEmbeddingGenerator.Key("a", 8, "bc"));
        Assert.NotEqual(CachingEmbeddingGenerator.Key(null, 8, "x"), CachingEmbeddingGenerator.Key("", 8, "x"));
    }

    [Fact]
    public async Task GenerateAsync_CallerCancelled_Throws()
    {
        var inner = new RecordingEmbeddingGenerator("model-a", 8, seed: 1);
        using var generator = Wrap(inner);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(["alpha"], cancellationToken: cancelled.Token));
    }
}
