using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Chat;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Embeddings;
using Verity.Core.Generation;
using Verity.Core.Ingestion;
using Verity.Core.Retrieval;
using Verity.Core.Text;

namespace Verity.Core;

public static class ServiceCollectionExtensions
{
    /// <summary>Registers the store-independent pipeline: parsers, chunker, the hashing embedder (unless an
    /// embedding generator is already registered), retrieval, the extractive generator and ingestion. A store
    /// (e.g. <c>AddVeritySqlite</c>) must be added as well.</summary>
    public static IServiceCollection AddVerityCore(this IServiceCollection services, VerityCoreOptions options)
    {
        options.Chunking.Validate();
        services.AddSingleton(options.Chunking);
        services.AddSingleton(options.Retrieval);
        services.AddSingleton(options.Extractive);
        services.AddSingleton(options.Ingestion);
        services.AddSingleton(options.Embedding);
        services.AddSingleton(options.Guardrails);

        services.AddSingleton<ITokenCounter, TiktokenTokenCounter>();
        services.AddSingleton<IDocumentParser, PlainTextParser>();
        services.AddSingleton<IDocumentParser, MarkdownParser>();
        services.AddSingleton<IDocumentParser, HtmlParser>();
        services.AddSingleton(options.Json);
        services.AddSingleton<IDocumentParser, CsvParser>(_ => new CsvParser(options.Ingestion.MaxRows));
        services.AddSingleton<IDocumentParser, JsonParser>();
        services.AddSingleton<IDocumentLoader, PdfLoader>();
        services.AddSingleton<IDocumentLoader, DocxLoader>();
        services.AddSingleton<IDocumentLoader, PptxLoader>();
        services.AddSingleton<IDocumentLoader, XlsxLoader>();
        services.AddSingleton<DocumentFormats>();
        services.AddSingleton<IChunker>(sp => Chunkers.Create(sp.GetRequiredService<ITokenCounter>(), options.Chunking));
        if (!services.Any(d => d.ServiceType == typeof(IEmbeddingGenerator<string, Embedding<float>>)))
        {
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(
                sp => new HashingEmbeddingGenerator(sp.GetRequiredService<HashingEmbeddingOptions>()));
        }

        services.AddSingleton<IAnswerGenerator, ExtractiveAnswerGenerator>();
        services.AddSingleton<Retriever>();
        services.AddSingleton<ChatService>();
        services.AddSingleton<IngestionService>();
        services.AddSingleton(options.Worker);
        services.AddSingleton<Jobs.IngestionWorker>();
        services.AddSingleton<Jobs.IngestionJobs>();
        return services;
    }
}

/// <summary>The configuration sections of the core, bound from <c>Verity:*</c>.</summary>
public sealed class VerityCoreOptions
{
    public ChunkingOptions Chunking { get; set; } = new();
    public RetrievalOptions Retrieval { get; set; } = new();
    public ExtractiveOptions Extractive { get; set; } = new();
    public IngestionOptions Ingestion { get; set; } = new();
    public HashingEmbeddingOptions Embedding { get; set; } = new();
    public Guardrails.GuardrailOptions Guardrails { get; set; } = new();

    /// <summary>How JSON and JSON Lines records become text (<c>Verity:Json</c>).</summary>
    public JsonFormatOptions Json { get; set; } = new();
    public Jobs.IngestionWorkerOptions Worker { get; set; } = new();
}
