using Microsoft.Extensions.AI;
using Verity.Core;
using Verity.Core.Chunking;
using Verity.Core.Ingestion;

namespace Verity.Server.Infrastructure;

/// <summary>Opens (and on first start creates) the index before the server takes requests.</summary>
internal sealed class IndexInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => services.InitializeIndexAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static IndexConfiguration IndexConfigurationFor(
        IEmbeddingGenerator<string, Embedding<float>> embedder, RecursiveChunker chunker)
    {
        var metadata = embedder.GetService<EmbeddingGeneratorMetadata>();
        return new IndexConfiguration(
            IngestionService.EmbeddingModelOf(embedder),
            metadata?.DefaultModelDimensions ?? throw new InvalidOperationException("The embedding generator does not report its dimensions."),
            chunker.Version);
    }
}
