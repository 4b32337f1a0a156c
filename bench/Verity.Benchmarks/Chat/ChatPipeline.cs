using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Verity.Core.Chat;
using Verity.Core.Connectors;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Model;
using Verity.Llm;
using Verity.Server.Infrastructure;

namespace Verity.Benchmarks.Chat;

/// <summary>
/// The answer path as the host builds it: <see cref="ServerSetup.AddVerityServices"/> over an in-memory configuration
/// holding only the data directory and the keys a scenario sets (the <c>Llm:*</c> models, at most a switch or two),
/// so every other setting is the product default (SQLite store, hashing embedder, hybrid retrieval, PII redaction of
/// answers, in-process answer cache). Each instance has its own caches and circuit breakers; instances opened one after
/// another over the same data directory share the index.
/// </summary>
internal sealed class ChatPipeline : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ChatPipeline(ServiceProvider services)
    {
        _services = services;
        Chat = services.GetRequiredService<ChatService>();
        Endpoints = services.GetService<ModelEndpoints>();
    }

    public ChatService Chat { get; }

    /// <summary>The circuit state of every model endpoint; null when no model is configured.</summary>
    public ModelEndpoints? Endpoints { get; }

    /// <summary>Answers are redacted for personal data by default, which holds streamed text back to sentence ends.</summary>
    public const string RedactAnswersKey = "Verity:Guardrails:RedactPiiInAnswers";

    public const string AnswerCacheKey = "Verity:Cache:Answers:Enabled";

    /// <param name="configuration">Configuration keys and values, e.g. <see cref="FakeModels.Configuration"/>; without
    /// <c>Llm:*</c> keys there is no model and every answer is extractive.</param>
    public static async Task<ChatPipeline> StartAsync(
        string dataDirectory, IReadOnlyDictionary<string, string?> configuration, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>(configuration)
        {
            [DataDirectory.ConfigurationKey] = dataDirectory,
        };
        var services = new ServiceCollection();
        // Retries and open circuits log warnings by design; the benchmark prints what it measures instead.
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Error));
        services.AddVerityServices(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        var provider = services.BuildServiceProvider();
        try
        {
            await provider.InitializeIndexAsync(cancellationToken).ConfigureAwait(false);
            return new ChatPipeline(provider);
        }
        catch
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Ingests <paramref name="folder"/> into the default tenant as <c>verity ingest</c> does.</summary>
    public Task<SyncSummary> IngestAsync(string folder, CancellationToken cancellationToken) =>
        _services.GetRequiredService<IngestionJobs>().SyncAsync(new FolderConnector(folder), Tenants.Default, null, cancellationToken);

    /// <summary>The primary model's circuit as it behaves now (<c>closed</c>, <c>open</c>, <c>half-open</c>), or
    /// <c>none</c> without models.</summary>
    public string CircuitOf(string endpoint) => Endpoints?.GetStatus(endpoint)?.State switch
    {
        CircuitStatus.Closed => "closed",
        CircuitStatus.Open => "open",
        CircuitStatus.HalfOpen => "half-open",
        _ => "none",
    };

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
