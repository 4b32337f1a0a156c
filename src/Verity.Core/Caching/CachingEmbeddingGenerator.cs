using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Verity.Core.Caching;

/// <summary>
/// Caches each text's vector, keyed by the model, its dimensions and the text, so re-ingesting unchanged passages and
/// repeated questions cost no model call. A batch asks the inner generator once, for the texts not cached, and
/// returns vectors in input order. Lookups count under <c>embeddings</c> in <see cref="CacheStatistics"/>. A cache
/// that fails is skipped: the call then costs what it would without a cache.
/// </summary>
public sealed class CachingEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The name lookups are recorded under in <see cref="CacheStatistics"/>.</summary>
    public const string StatisticsName = "embeddings";

    private const string KeyPrefix = "embedding:";

    private readonly IVerityCache _cache;
    private readonly CacheStatistics _statistics;
    private readonly TimeSpan _timeToLive;
    private readonly ILogger _logger;
    private readonly string? _defaultModel;
    private readonly int? _defaultDimensions;

    public CachingEmbeddingGenerator(
        IEmbeddingGenerator<string, Embedding<float>> innerGenerator,
        IVerityCache cache,
        CacheStatistics statistics,
        EmbeddingCacheOptions? options = null,
        ILogger<CachingEmbeddingGenerator>? logger = null)
        : base(innerGenerator)
    {
        _cache = cache;
        _statistics = statistics;
        _timeToLive = (options ?? new EmbeddingCacheOptions()).TimeToLive;
        _logger = logger ?? NullLogger<CachingEmbeddingGenerator>.Instance;
        var metadata = innerGenerator.GetService<EmbeddingGeneratorMetadata>();
        _defaultModel = metadata?.DefaultModelId;
        _defaultDimensions = metadata?.DefaultModelDimensions;
    }

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values as IReadOnlyList<string> ?? [.. values];
        var model = options?.ModelId ?? _defaultModel;
        var dimensions = options?.Dimensions ?? _defaultDimensions;

        var keys = new string[inputs.Count];
        // Started together, so a remote cache answers the batch in one round trip's time.
        var lookups = new Task<byte[]?>[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            keys[i] = Key(model, dimensions, inputs[i]);
            lookups[i] = TryGetAsync(keys[i], cancellationToken);
        }

        await Task.WhenAll(lookups).ConfigureAwait(false);
        var results = new Embedding<float>?[inputs.Count];
        // Texts repeated within the batch are generated once.
        var missing = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = Decode(await lookups[i].ConfigureAwait(false), dimensions);
            _statistics.Record(StatisticsName, vector is not null);
            if (vector is not null)
            {
                results[i] = new Embedding<float>(vector) { ModelId = model };
            }
            else if (missing.TryGetValue(keys[i], out var positions))
            {
                positions.Add(i);
            }
            else
            {
                missing.Add(keys[i], [i]);
            }
        }

        if (missing.Count == 0)
        {
            return new GeneratedEmbeddings<Embedding<float>>(results!);
        }

        var texts = missing.Values.Select(positions => inputs[positions[0]]).ToList();
        var generated = await InnerGenerator.GenerateAsync(texts, options, cancellationToken).ConfigureAwait(false);
        if (generated.Count != texts.Count)
        {
            throw new InvalidOperationException(
                $"The embedding generator returned {generated.Count} vectors for {texts.Count} inputs.");
        }

        var writes = new List<Task>(texts.Count);
        var index = 0;
        foreach (var (key, positions) in missing)
        {
            var embedding = generated[index++];
            foreach (var position in positions)
            {
                results[position] = embedding;
            }

            writes.Add(TrySetAsync(key, MemoryMarshal.AsBytes(embedding.Vector.Span).ToArray(), cancellationToken));
        }

        await Task.WhenAll(writes).ConfigureAwait(false);

        return new GeneratedEmbeddings<Embedding<float>>(results!)
        {
            Usage = generated.Usage,
            AdditionalProperties = generated.AdditionalProperties,
        };
    }

    /// <summary>The cache key of <paramref name="text"/> embedded by <paramref name="model"/> at
    /// <paramref name="dimensions"/>: <c>embedding:</c> and 64 hex digits.</summary>
    public static string Key(string? model, int? dimensions, string text)
    {
        using var hash = new CanonicalHash();
        return KeyPrefix + hash.Add("embedding/v1").Add(model).Add(dimensions ?? -1).Add(text).ToHex();
    }

    private static float[]? Decode(byte[]? bytes, int? dimensions)
    {
        if (bytes is null || bytes.Length == 0 || bytes.Length % sizeof(float) != 0)
        {
            return null;
        }

        // An entry of the wrong length is damaged or from a misconfigured writer; regenerating is always safe.
        if (dimensions is { } expected && bytes.Length != expected * sizeof(float))
        {
            return null;
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    private async Task<byte[]?> TryGetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.CacheReadFailed(_logger, StatisticsName, e);
            return null;
        }
    }

    private async Task TrySetAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        try
        {
            await _cache.SetAsync(key, value, _timeToLive, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.CacheWriteFailed(_logger, StatisticsName, e);
        }
    }
}
