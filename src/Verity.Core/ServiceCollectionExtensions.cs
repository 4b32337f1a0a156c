using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core.Caching;
using Verity.Core.Chat;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Embeddings;
using Verity.Core.Generation;
using Verity.Core.Generation.Prompting;
using Verity.Core.Ingestion;
using Verity.Core.Retrieval;
using Verity.Core.Routing;
using Verity.Core.Telemetry;
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
        options.Prompt.Validate();
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

        AddGeneration(services, options);
        services.AddSingleton<ChatService>();
        services.AddSingleton<IngestionService>();
        services.AddSingleton(options.Worker);
        services.AddSingleton<Jobs.IngestionWorker>();
        services.AddSingleton<Jobs.IngestionJobs>();
        return services;
    }

    // Retrieval reads query vectors through the embedding cache; ingestion embeds through the plain generator, so a
    // corpus being indexed does not evict the questions people keep asking. The chain ends with the extractive
    // generator, after whichever ChatModels the host registered (AddVerityLlm), in their order.
    private static void AddGeneration(IServiceCollection services, VerityCoreOptions options)
    {
        services.AddSingleton(options.Prompt);
        services.AddSingleton(options.Routing);
        services.AddSingleton(options.Grounding);
        services.AddSingleton(options.Cache.Answers);
        services.AddSingleton(options.Cache.Embeddings);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IVerityCache>(sp => new MemoryVerityCache(options.Cache.Memory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CacheStatistics>();
        // The RAG metrics; the host's IMeterFactory (AddMetrics, or any host builder) when there is one.
        services.TryAddSingleton(sp => new RagMetrics(sp.GetService<IMeterFactory>(), sp.GetRequiredService<CacheStatistics>()));
        services.AddSingleton<AnswerCache>();
        services.AddSingleton(sp => new Retriever(
            sp.GetRequiredService<IIndexStore>(),
            new CachingEmbeddingGenerator(
                sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
                sp.GetRequiredService<IVerityCache>(),
                sp.GetRequiredService<CacheStatistics>(),
                options.Cache.Embeddings,
                sp.GetService<ILogger<CachingEmbeddingGenerator>>()),
            options.Retrieval,
            sp.GetRequiredService<RagMetrics>()));

        services.AddSingleton<PromptBuilder>();
        services.AddSingleton<ExtractiveAnswerGenerator>();
        services.AddSingleton<IAnswerGenerator>(sp => sp.GetRequiredService<ExtractiveAnswerGenerator>());
        services.AddSingleton<GenerationChain>();
        services.AddSingleton<QueryRouter>();
        services.AddSingleton<ExtractiveQueryCondenser>();
        services.AddSingleton<IQueryCondenser>(sp => sp.GetServices<ChatModel>().FirstOrDefault() is { } model
            ? new ModelQueryCondenser(model, sp.GetRequiredService<ExtractiveQueryCondenser>(), sp.GetService<ILogger<ModelQueryCondenser>>() ?? NullLogger<ModelQueryCondenser>.Instance)
            : sp.GetRequiredService<ExtractiveQueryCondenser>());
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

    /// <summary>The prompt template and its context budget (<c>Verity:Prompt</c>).</summary>
    public PromptOptions Prompt { get; set; } = new();

    /// <summary>Small talk and long-question condensing (<c>Verity:Routing</c>).</summary>
    public RoutingOptions Routing { get; set; } = new();

    /// <summary>When an answer counts as grounded (<c>Verity:Grounding</c>).</summary>
    public GroundingOptions Grounding { get; set; } = new();

    /// <summary>The answer and embedding caches (<c>Verity:Cache</c>).</summary>
    public CacheOptions Cache { get; set; } = new();
}
