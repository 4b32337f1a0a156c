using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Verity.Core;
using Verity.Core.Model;
using Verity.Core.Telemetry;
using Verity.Server.Telemetry;
using Verity.Sqlite;

namespace Verity.Server.Tests.Operations;

/// <summary>
/// The staleness gauge as <see cref="MetricsSampler"/> sets it from a real SQLite store with several tenants: the age
/// of the newest change of any tenant, read with one store query, against a clock the test holds still.
/// </summary>
public sealed class IndexStalenessTests : IDisposable
{
    private static readonly IndexConfiguration Configuration = new("staleness-test", 3, "test-chunker");

    private readonly string _root = Path.Combine(Path.GetTempPath(), "verity-staleness-tests", Guid.NewGuid().ToString("N"));
    private readonly HeldClock _clock = new();
    private readonly ServiceProvider _services;
    private readonly RagMetrics _metrics;
    private readonly MeterListener _listener = new();
    private readonly IIndexStore _store;
    private double? _staleness;

    public IndexStalenessTests()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<TimeProvider>(_clock)
            .AddVeritySqlite(new SqliteStoreOptions { Path = Path.Combine(_root, "verity.db") })
            .BuildServiceProvider();
        _store = _services.GetRequiredService<IIndexStore>();
        var meters = _services.GetRequiredService<IMeterFactory>();
        _metrics = new RagMetrics(meters);

        // Only this test's meter: other tests in the process publish the same instrument names.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == RagMetrics.IndexStalenessName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) => _staleness = value);
        _listener.Start();
    }

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task SampleAsync_NewerWriteInASecondTenant_IsWhatTheGaugeReports()
    {
        await _store.InitializeAsync(Configuration, Ct);
        await PutAsync(Tenants.Default, "older");
        var older = await LastChangeAsync(Tenants.Default);
        // Real writes take the real time: a gap the gauge can tell apart from rounding.
        await Task.Delay(TimeSpan.FromMilliseconds(30));
        await PutAsync("tenant-b", "newer");
        var newer = await LastChangeAsync("tenant-b");
        Assert.True(newer - older >= TimeSpan.FromMilliseconds(20), $"tenant-b wrote at {newer:O}, the default tenant at {older:O}");

        _clock.Now = newer + TimeSpan.FromSeconds(5);
        await SampleAsync();

        // From the default tenant's write it would read at least 5.02 s.
        Assert.NotNull(_staleness);
        Assert.Equal(5.0, _staleness.Value, 0.001);
    }

    [Fact]
    public async Task SampleAsync_NothingEverWritten_ReportsNoValue()
    {
        await _store.InitializeAsync(Configuration, Ct);
        _clock.Now = DateTimeOffset.UtcNow;

        await SampleAsync();

        Assert.Null(_staleness);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
        _services.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection may still hold the file for a moment; the folder is in the temp directory anyway.
        }
    }

    private async Task SampleAsync()
    {
        var sampler = new MetricsSampler(
            _services, _metrics, Options.Create(new TelemetryOptions()), NullLogger<MetricsSampler>.Instance);
        await sampler.SampleAsync(Ct);
        _listener.RecordObservableInstruments();
    }

    private async Task<DateTimeOffset> LastChangeAsync(string tenant) =>
        (await _store.GetStatisticsAsync(tenant, Ct)).LastChange ?? throw new InvalidOperationException($"{tenant} has no change.");

    private async Task PutAsync(string tenant, string id)
    {
        const string text = "The loading dock opens at seven.";
        var document = new DocumentRecord
        {
            TenantId = tenant,
            Id = id,
            Title = id,
            Source = "test",
            MediaType = "text/plain",
            ContentHash = "sha256:" + id,
            ChunkerVersion = Configuration.ChunkerVersion,
            EmbeddingModel = Configuration.EmbeddingModel,
            ChunkCount = 1,
            TextLength = text.Length,
        };
        ChunkRecord[] chunks = [new(0, text, "", 7, new float[] { 1, 0, 0 })];
        Assert.True((await _store.UpsertDocumentAsync(new DocumentWrite(document, text, chunks), Ct)).Applied);
    }

    /// <summary>A clock that reads whatever the test set.</summary>
    private sealed class HeldClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
