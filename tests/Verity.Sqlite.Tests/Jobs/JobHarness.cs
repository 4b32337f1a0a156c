using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Embeddings;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Model;
using Verity.Core.Text;

namespace Verity.Sqlite.Tests.Jobs;

/// <summary>
/// The ingestion pipeline as the product wires it, over real SQLite files in a temp folder: the index, the job
/// store in the same file, <see cref="IngestionService"/>, <see cref="IngestionWorker"/> and <see cref="IngestionJobs"/>.
/// The index is reached through <see cref="FaultyIndexStore"/>, which passes everything on until a test asks it to
/// inject a fault. "Now" is a hand-moved clock, so leases and retry times are reached without sleeping.
/// </summary>
internal sealed class JobHarness : IDisposable
{
    public const string Tenant = "tenant-a";

    private readonly List<IDisposable> _owned = [];

    private JobHarness(IngestionWorkerOptions options, ChunkingOptions chunking)
    {
        // The database sits beside the folders a test syncs, never inside them.
        DatabasePath = Temp.Combine("index", "verity.db");
        Index = new SqliteIndexStore(new SqliteStoreOptions { Path = DatabasePath }, NullLogger<SqliteIndexStore>.Instance);
        Store = new FaultyIndexStore(Index);
        Jobs = new SqliteIngestJobStore(new SqliteStoreOptions { Path = DatabasePath }, NullLogger<SqliteIngestJobStore>.Instance, Clock);
        Chunking = chunking;
        Service = CreateService(chunking);
        Worker = CreateWorker(options);
        Orchestration = CreateOrchestration(Service, Worker);
    }

    public static CancellationToken Ct => CancellationToken.None;

    public TempDirectory Temp { get; } = new();

    public string DatabasePath { get; }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));

    public HashingEmbeddingGenerator Embedder { get; } = new();

    public SqliteIndexStore Index { get; }

    public FaultyIndexStore Store { get; }

    public SqliteIngestJobStore Jobs { get; }

    public ChunkingOptions Chunking { get; }

    public IngestionService Service { get; }

    public IngestionWorker Worker { get; }

    public IngestionJobs Orchestration { get; }

    /// <summary>Small delays and a short poll, so that retries and idle lanes cost milliseconds.</summary>
    public static IngestionWorkerOptions FastOptions() => new()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(80),
        PollInterval = TimeSpan.FromMilliseconds(10),
        Lease = TimeSpan.FromMinutes(1),
    };

    public static async Task<JobHarness> CreateAsync(IngestionWorkerOptions? options = null, ChunkingOptions? chunking = null)
    {
        var harness = new JobHarness(options ?? FastOptions(), chunking ?? new ChunkingOptions());
        await harness.Index.InitializeAsync(
            new IndexConfiguration(harness.Embedder.ModelId, harness.Embedder.Dimensions, harness.Chunking.Version), Ct);
        return harness;
    }

    public IngestionService CreateService(ChunkingOptions chunking) =>
        new(
            Store,
            Embedder,
            DocumentFormats.CreateDefault(),
            new RecursiveChunker(new TiktokenTokenCounter(), chunking),
            new IngestionOptions(),
            NullLogger<IngestionService>.Instance);

    /// <summary>Another worker over the same stores (another lane, or the process that starts after a crash).</summary>
    public IngestionWorker CreateWorker(IngestionWorkerOptions options, IngestionService? service = null)
    {
        var worker = new IngestionWorker(Jobs, Store, service ?? Service, options, NullLogger<IngestionWorker>.Instance, Clock);
        _owned.Add(worker);
        return worker;
    }

    public IngestionJobs CreateOrchestration(IngestionService service, IngestionWorker worker) =>
        new(Jobs, Store, service, worker, NullLogger<IngestionJobs>.Instance);

    /// <summary>An upload job (source <c>api</c> unless given) whose items carry their content.</summary>
    public Task<IngestJob> EnqueueUploadsAsync(IReadOnlyList<NewJobItem> items, string source = "api") =>
        Orchestration.EnqueueAsync(new NewIngestJob { TenantId = Tenant, Kind = "upload", Source = source }, items, Ct);

    public static NewJobItem TextItem(string documentId, string text, long? sourceVersion = null) =>
        BytesItem(documentId, Encoding.UTF8.GetBytes(text), MediaTypes.PlainText, sourceVersion);

    public static NewJobItem BytesItem(string documentId, byte[] content, string? mediaType = null, long? sourceVersion = null) => new()
    {
        DocumentId = documentId,
        Content = content,
        Descriptor = new JobItemDescriptor { FileName = documentId, MediaType = mediaType, SourceVersion = sourceVersion }.ToJson(),
    };

    public async Task<IngestJob> GetJobAsync(string jobId) =>
        await Jobs.GetJobAsync(Tenant, jobId, Ct) ?? throw new InvalidOperationException($"Job {jobId} is missing.");

    public async Task<Dictionary<string, JobItem>> ItemsByDocumentAsync(string jobId) =>
        (await Jobs.ListItemsAsync(Tenant, jobId, null, 10_000, Ct)).ToDictionary(i => i.DocumentId, StringComparer.Ordinal);

    public async Task<JobItem> ItemAsync(string jobId, string documentId) => (await ItemsByDocumentAsync(jobId))[documentId];

    public Task<DocumentRecord?> DocumentAsync(string documentId) => Index.GetDocumentAsync(Tenant, documentId, Ct);

    public async Task<List<DocumentRecord>> DocumentsAsync() =>
        [.. (await Index.ListDocumentsAsync(new DocumentListQuery { TenantId = Tenant, Limit = 1000 }, Ct)).Documents];

    /// <summary>Runs one job to its end on <see cref="Worker"/>; only for jobs that need no retry (the clock does
    /// not move by itself).</summary>
    public Task<IngestJob> DrainAsync(string jobId) => Worker.DrainAsync(Tenant, jobId, null, Ct);

    /// <summary>Reads until <paramref name="done"/> holds, failing the test after <paramref name="timeout"/>.</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(Stopwatch.GetTimestamp() < deadline, $"Not done after {timeout}: {value}");
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        Jobs.Dispose();
        Index.Dispose();
        Temp.Dispose();
    }
}

/// <summary>A clock that moves only when told to; timers (Task.Delay) still run in real time.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
