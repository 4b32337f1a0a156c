using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Chat;
using Verity.Core.Chunking;
using Verity.Core.Embeddings;
using Verity.Core.Generation;
using Verity.Core.Ingestion;
using Verity.Core.Security;
using Verity.Core.Telemetry;
using Verity.Sqlite.Tests.Chat;
using Verity.Testing.Telemetry;

namespace Verity.Sqlite.Tests.Telemetry;

/// <summary>
/// The pipeline as hosts compose it (<c>AddVerityCore</c> + <c>AddVeritySqlite</c>) over a SQLite file in a temp
/// folder, with a scripted primary model and the meters created by a <see cref="TestMeterFactory"/>, whose
/// measurements <see cref="Metrics"/> records.
/// </summary>
internal sealed class TelemetryPipeline : IAsyncDisposable
{
    public const string Tenant = "acme";
    public const string LeaveText = "Annual leave is twenty-five days per year. Requests go through the HR portal.";
    public const string ParkingText = "Parking permits are issued by reception on the ground floor.";

    private readonly TempDirectory _temp = new();
    private readonly TestMeterFactory _meters = new();
    private readonly ServiceProvider _services;
    private MetricRecorder? _metrics;

    private TelemetryPipeline(int models)
    {
        var services = new ServiceCollection();
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IMeterFactory>(_meters);
        if (models >= 1)
        {
            services.AddSingleton(new ChatModel("primary", "model-primary", Primary));
        }

        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(Embedder);
        services.AddVerityCore(new VerityCoreOptions());
        services.AddVeritySqlite(new SqliteStoreOptions { Path = _temp.Combine("verity.db") });
        _services = services.BuildServiceProvider();
    }

    public static CancellationToken Ct => CancellationToken.None;

    public ScriptedChatClient Primary { get; } = new("primary");

    public HashingEmbeddingGenerator Embedder { get; } = new();

    public MetricRecorder Metrics => _metrics ?? throw new InvalidOperationException("Start the pipeline first.");

    public ChatService Chat => _services.GetRequiredService<ChatService>();

    public IngestionService Ingestion => _services.GetRequiredService<IngestionService>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A pipeline with <paramref name="models"/> scripted models (0 or 1) and, unless
    /// <paramref name="empty"/>, a few documents indexed (before <see cref="Metrics"/> listens, so they are not counted).</summary>
    public static async Task<TelemetryPipeline> StartAsync(int models = 1, bool empty = false)
    {
        var pipeline = new TelemetryPipeline(models);
        var chunker = pipeline._services.GetRequiredService<IChunker>();
        await pipeline.Get<IIndexStore>().InitializeAsync(
            new IndexConfiguration(pipeline.Embedder.ModelId, pipeline.Embedder.Dimensions, chunker.Version), Ct);
        if (!empty)
        {
            // Plenty of documents that do not match, so that BM25 has something to tell apart.
            await pipeline.IngestAsync("leave", LeaveText);
            await pipeline.IngestAsync("parking", ParkingText);
            await pipeline.IngestAsync("laptops", "Laptops are replaced every three years by the IT service desk.");
            await pipeline.IngestAsync("travel", "Train travel is booked through the travel portal at least a week ahead.");
            await pipeline.IngestAsync("security", "Report a lost badge to security within one hour.");
            await pipeline.IngestAsync("canteen", "The canteen serves lunch from noon until two in the afternoon.");
        }

        pipeline._metrics = new MetricRecorder(pipeline._meters);
        return pipeline;
    }

    public Task<IngestOutcome> IngestAsync(string id, string text) =>
        Ingestion.IngestAsync(
            new DocumentInput { TenantId = Tenant, Id = id, Title = id, Text = text, Source = "test", Acl = DocumentAcl.Public }, Ct);

    public static ChatRequest Ask(string question) =>
        new() { Question = question, TenantId = Tenant, Principals = [DocumentAcl.UserPrincipal("erin")] };

    public async ValueTask DisposeAsync()
    {
        _metrics?.Dispose();
        await _services.DisposeAsync();
        _meters.Dispose();
        _temp.Dispose();
    }
}
