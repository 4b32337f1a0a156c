using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Verity.Core.Text;

namespace Verity.Core.Embeddings;

/// <summary>
/// A deterministic, weight-free embedder: signed feature hashing of stemmed words, word bigrams and character
/// n-grams, with sub-linear term frequency, L2-normalised. Similar wording gives similar vectors, so dense search
/// works offline and out of the box; it is no substitute for a trained model's notion of meaning.
/// </summary>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private const float WordWeight = 1.0f;
    private const float StopWordWeight = 0.15f;
    private const float BigramWeight = 0.6f;
    private const float CharGramWeight = 0.25f;

    private readonly HashingEmbeddingOptions _options;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public HashingEmbeddingGenerator(HashingEmbeddingOptions? options = null)
    {
        _options = options ?? new HashingEmbeddingOptions();
        if (_options.Dimensions is < 16 or > 16384)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Dimensions must be between 16 and 16384.");
        }

        if (_options.MinCharNGram < 1 || _options.MaxCharNGram < _options.MinCharNGram)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Character n-gram range is invalid.");
        }

        _metadata = new EmbeddingGeneratorMetadata("verity-hashing", null, _options.ModelId, _options.Dimensions);
    }

    public string ModelId => _options.ModelId;

    public int Dimensions => _options.Dimensions;

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result.Add(new Embedding<float>(Embed(value))
            {
                ModelId = _options.ModelId,
                CreatedAt = DateTimeOffset.UtcNow,
            });
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    /// <summary>Embeds one text; exposed for benchmarks and tests.</summary>
    public float[] Embed(string text)
    {
        var counts = new Dictionary<ulong, float>();
        var words = Terms.Words(text);
        string? previous = null;

        foreach (var word in words)
        {
            var stop = Terms.IsStopWord(word);
            var stem = Terms.Stem(word);
            Add(counts, Fnv1a("w:", stem), stop ? StopWordWeight : WordWeight);

            if (!stop)
            {
                AddCharGrams(counts, stem);
                if (previous is not null)
                {
                    Add(counts, Fnv1a("b:", previous + " " + stem), BigramWeight);
                }

                previous = stem;
            }
        }

        var vector = new float[_options.Dimensions];
        foreach (var (feature, weight) in counts)
        {
            var index = (int)(feature % (ulong)vector.Length);
            var sign = (feature >> 63) == 0 ? 1f : -1f;
            // ln(1 + w) damps repetition, so one word said ten times does not drown the rest of the text.
            vector[index] += sign * MathF.Log(1 + weight);
        }

        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }

        return vector;
    }

    private void AddCharGrams(Dictionary<ulong, float> counts, string stem)
    {
        var padded = "<" + stem + ">";
        for (var n = _options.MinCharNGram; n <= _options.MaxCharNGram; n++)
        {
            for (var i = 0; i + n <= padded.Length; i++)
            {
                Add(counts, Fnv1a("c:", padded.AsSpan(i, n)), CharGramWeight);
            }
        }
    }

    private static void Add(Dictionary<ulong, float> counts, ulong feature, float weight)
    {
        counts.TryGetValue(feature, out var current);
        counts[feature] = current + weight;
    }

    private static ulong Fnv1a(string prefix, ReadOnlySpan<char> value)
    {
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offset;
        foreach (var c in prefix)
        {
            hash = (hash ^ c) * prime;
        }

        foreach (var c in value)
        {
            hash = (hash ^ (c & 0xFFu)) * prime;
            hash = (hash ^ (uint)(c >> 8)) * prime;
        }

        // Final avalanche (from MurmurHash3's fmix64) so that low and high bits are both well mixed.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9a35bd07f6dUL;
        hash ^= hash >> 33;
        return hash;
    }
}
