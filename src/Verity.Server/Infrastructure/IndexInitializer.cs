using Microsoft.Extensions.AI;
using Verity.Core;
using Verity.Core.Chunking;
using Verity.Core.Ingestion;

namespace Verity.Server.Infrastructure;

/// <summary>Opens (and on first start creates) the index before the server takes requests, and builds the guardrails'
/// regular expressions, whose construction (about a second) would otherwise land on the first question.</summary>
internal sealed class IndexInitializer(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await services.InitializeIndexAsync(cancellationToken);
        var guardrails = services.GetRequiredService<Verity.Core.Guardrails.GuardrailOptions>();
        Verity.Core.Guardrails.PromptInjectionDetector.For(guardrails).Scan("warm up");
        Verity.Core.Guardrails.PiiRedactor.FromOptions(guardrails).Redact("warm up");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static IndexConfiguration IndexConfigurationFor(
        IEmbeddingGenerator<string, Embedding<float>> embedder, IChunker chunker)
    {
        var metadata = embedder.GetService<EmbeddingGeneratorMetadata>();
        return new IndexConfiguration(
            IngestionService.EmbeddingModelOf(embedder),
            metadata?.DefaultModelDimensions ?? throw new InvalidOperationException("The embedding generator does not report its dimensions."),
            chunker.Version);
    }
}
