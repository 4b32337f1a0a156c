using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Core;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Embeddings;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Text;

namespace Verity.Postgres.Tests.Jobs;

/// <summary>
/// One worker process as production assembles it: its own <see cref="PostgresDatabase"/> (its own connection pool,
/// named so its sessions can be found on the server), the PostgreSQL index and job stores, an
/// <see cref="IngestionService"/> and an <see cref="IngestionWorker"/> running all its lanes. <see cref="KillAsync"/>
/// ends it the way a crash would: nothing is released, and the server drops its sessions, rolling back whatever
/// they had in flight.
/// </summary>
internal sealed class WorkerProcess
{
    private readonly PostgresDatabase _database;
    private readonly RecordingJobStore _jobs;
    private readonly IngestionWorker _worker;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    private WorkerProcess(int number, PostgresDatabase database, RecordingJobStore jobs, IngestionWorker worker)
    {
        Number = number;
        _database = database;
        _jobs = jobs;
        _worker = worker;
        _run = Task.Run(() => worker.RunAsync(_stop.Token));
    }

    public int Number { get; }

    public static string ApplicationName(int number) => $"pgjobs-worker-{number}";

    /// <summary>What the workers share in-process: none of it touches the database.</summary>
    public sealed record Parts(HashingEmbeddingGenerator Embedder, RecursiveChunker Chunker, ChunkingOptions Chunking, IngestionWorkerOptions Options)
    {
        public static Parts Create(IngestionWorkerOptions options)
        {
            var chunking = new ChunkingOptions();
            return new Parts(
                new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 64 }),
                new RecursiveChunker(new TiktokenTokenCounter(), chunking),
                chunking,
                options);
        }

        public IndexConfiguration Index => new(Embedder.ModelId, Embedder.Dimensions, Chunking.Version);
    }

    public static async Task<WorkerProcess> StartAsync(int number, string connectionString, Parts parts, LeaseLedger ledger)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationName(number), MaxPoolSize = 6 };
        var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = builder.ConnectionString }, NullLogger<PostgresDatabase>.Instance);
        var index = new PostgresIndexStore(database, NullLogger<PostgresIndexStore>.Instance);
        await index.InitializeAsync(parts.Index, CancellationToken.None);
        var jobs = new RecordingJobStore(
            new PostgresIngestJobStore(database, NullLogger<PostgresIngestJobStore>.Instance), ledger, number, parts.Options.Lease);
        var service = new IngestionService(
            index, parts.Embedder, DocumentFormats.CreateDefault(), parts.Chunker, new IngestionOptions(), NullLogger<IngestionService>.Instance);
        var worker = new IngestionWorker(jobs, index, service, parts.Options, NullLogger<IngestionWorker>.Instance);
        return new WorkerProcess(number, database, jobs, worker);
    }

    /// <summary>Dies mid-work: starts nothing more, closes its pool, and has the server terminate its sessions.</summary>
    public async Task KillAsync(string superuserConnectionString, LeaseLedger ledger)
    {
        _jobs.Kill();
        ledger.Killed(Number);
        await _stop.CancelAsync();
        await _database.DisposeAsync();
        await using (var connection = new NpgsqlConnection(superuserConnectionString))
        {
            await connection.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name", connection);
            terminate.Parameters.AddWithValue("name", ApplicationName(Number));
            await terminate.ExecuteScalarAsync();
        }

        await EndedAsync();
    }

    /// <summary>A clean shutdown at the end of the test.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await EndedAsync();
        await _database.DisposeAsync();
    }

    private async Task EndedAsync()
    {
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is not TimeoutException)
        {
            // A killed process's lanes fail in every way a dead connection can make them fail; none of it matters.
        }

        _worker.Dispose();
        _stop.Dispose();
    }
}
