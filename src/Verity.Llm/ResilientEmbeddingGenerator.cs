using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;

namespace Verity.Llm;

/// <summary>
/// An embedding generator with its endpoint's resilience (timeout, retries, circuit breaker; see
/// <see cref="ResilientChatClient"/>), sending at most <see cref="EmbeddingEndpointOptions.BatchSize"/> inputs per
/// request. Every returned vector is checked to have <see cref="EmbeddingEndpointOptions.Dimensions"/> values and
/// every input to have its vector; otherwise <see cref="ModelUnavailableException"/>, as for an endpoint that is down.
/// </summary>
/// <remarks><see cref="EmbeddingGeneratorMetadata"/> reports the configured model id and dimensions: the index
/// records them and refuses to mix vectors of different models.</remarks>
public sealed class ResilientEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingEndpointOptions _options;
    private readonly EndpointResilience _resilience;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public ResilientEmbeddingGenerator(
        IEmbeddingGenerator<string, Embedding<float>> innerGenerator,
        EmbeddingEndpointOptions options,
        ModelEndpoints endpoints,
        ILogger<ResilientEmbeddingGenerator>? logger = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoints);
        _options = options;
        _resilience = new EndpointResilience(options, ModelEndpointKind.Embeddings, endpoints, logger ?? (ILogger)NullLogger.Instance);
        var inner = innerGenerator.GetService<EmbeddingGeneratorMetadata>();
        _metadata = new EmbeddingGeneratorMetadata(inner?.ProviderName ?? "openai", inner?.ProviderUri, options.Model, options.Dimensions);
    }

    /// <summary>The endpoint's configured name (e.g. <c>embeddings</c>).</summary>
    public string Name => _options.Name;

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var inputs = values.ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(inputs.Count);
        for (var start = 0; start < inputs.Count; start += _options.BatchSize)
        {
            var batch = inputs.GetRange(start, Math.Min(_options.BatchSize, inputs.Count - start));
            var generated = await _resilience.ExecuteAsync(
                static (r, token) => new ValueTask<GeneratedEmbeddings<Embedding<float>>>(r.Inner.GenerateAsync(r.Batch, r.Options, token)),
                (Inner: InnerGenerator, Batch: batch, Options: options),
                cancellationToken).ConfigureAwait(false);
            Check(generated, batch.Count);
            result.AddRange(generated);
            if (generated.Usage is { } usage)
            {
                result.Usage ??= new UsageDetails();
                result.Usage.Add(usage);
            }
        }

        return result;
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : base.GetService(serviceType, serviceKey);

    private void Check(GeneratedEmbeddings<Embedding<float>> generated, int expected)
    {
        if (generated.Count != expected)
        {
            throw _resilience.InvalidResponse($"returned {generated.Count} vectors for {expected} inputs");
        }

        foreach (var embedding in generated)
        {
            if (embedding.Vector.Length != _options.Dimensions)
            {
                throw _resilience.InvalidResponse(
                    $"returned {embedding.Vector.Length}-dimensional vectors but Dimensions is {_options.Dimensions}; "
                    + "set Dimensions to the model's vector size (and re-index), or RequestDimensions if the model can shorten its vectors");
            }
        }
    }
}
