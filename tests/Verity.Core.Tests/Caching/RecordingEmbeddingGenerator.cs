using Microsoft.Extensions.AI;

namespace Verity.Core.Tests.Caching;

/// <summary>A deterministic embedder that records every batch it is asked for; vectors depend on the model's seed
/// and the text, so vectors of two models never coincide.</summary>
internal sealed class RecordingEmbeddingGenerator(string model, int dimensions, float seed) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingGeneratorMetadata _metadata = new("test", null, model, dimensions);

    public List<string[]> Calls { get; } = [];

    public float[] Vector(string text) =>
        [.. Enumerable.Range(0, dimensions).Select(i => seed + (i * 0.25f) + text.Sum(c => (float)c) / 1000f)];

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var batch = values.ToArray();
        lock (Calls)
        {
            Calls.Add(batch);
        }

        var size = options?.Dimensions ?? dimensions;
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(
            batch.Select(text => new Embedding<float>(Vector(text).AsMemory(0, Math.Min(size, dimensions))) { ModelId = options?.ModelId ?? model }))
        {
            Usage = new UsageDetails { InputTokenCount = batch.Length },
        });
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

    public void Dispose()
    {
    }
}

/// <summary>A cache whose backend is down: every call throws.</summary>
internal sealed class BrokenCache : Verity.Core.Caching.IVerityCache
{
    public string Kind => "broken";

    public int Calls { get; private set; }

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        Calls++;
        throw new IOException("connection refused");
    }

    public ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        Calls++;
        throw new IOException("connection refused");
    }
}
