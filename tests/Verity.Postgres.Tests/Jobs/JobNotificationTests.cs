using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Core.Documents;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Jobs;

/// <summary>A job enqueued by another process (an API replica) wakes an idle worker at once through LISTEN/NOTIFY,
/// long before its next poll.</summary>
[Collection(PostgresTests.Name)]
public sealed class JobNotificationTests(PostgresServer server)
{
    private const string Tenant = "tenant-a";

    [Fact]
    public async Task CreateJobAsync_ByAnotherProcess_WakesAnIdleWorkerLongBeforeItsNextPoll()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var options = new IngestionWorkerOptions { PollInterval = TimeSpan.FromMinutes(10), Concurrency = 1 };
        var parts = WorkerProcess.Parts.Create(options);
        await using var workerDatabase = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = connectionString }, NullLogger<PostgresDatabase>.Instance);
        var index = new PostgresIndexStore(workerDatabase, NullLogger<PostgresIndexStore>.Instance);
        await index.InitializeAsync(parts.Index, CancellationToken.None);
        var service = new IngestionService(
            index, parts.Embedder, DocumentFormats.CreateDefault(), parts.Chunker, new IngestionOptions(), NullLogger<IngestionService>.Instance);
        using var worker = new IngestionWorker(
            new PostgresIngestJobStore(workerDatabase, NullLogger<PostgresIngestJobStore>.Instance), index, service, options, NullLogger<IngestionWorker>.Instance);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => worker.RunAsync(stop.Token));
        await WaitForListenerAsync();
        // Let the lane's first (empty) poll pass, so only a wake-up can start the job now.
        await Task.Delay(200);

        await using var apiDatabase = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = connectionString }, NullLogger<PostgresDatabase>.Instance);
        var api = new PostgresIngestJobStore(apiDatabase, NullLogger<PostgresIngestJobStore>.Instance);
        var started = Stopwatch.StartNew();
        var job = await api.CreateJobAsync(
            new NewIngestJob { TenantId = Tenant, Kind = "upload", Source = "api" },
            [Upload("ferries.txt", "Ferries to the island leave every hour from pier six."), Upload("tides.txt", "High tide reaches the harbour wall at noon.")],
            null, CancellationToken.None);

        IngestJob? finished = null;
        while (started.Elapsed < TimeSpan.FromSeconds(30))
        {
            finished = await api.GetJobAsync(Tenant, job.Id, CancellationToken.None);
            if (finished!.State == IngestJobState.Succeeded)
            {
                break;
            }

            await Task.Delay(20);
        }

        await stop.CancelAsync();
        await run;
        Assert.Equal(IngestJobState.Succeeded, finished!.State);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"finished after {started.Elapsed}; the poll interval is 10 minutes");
        Assert.Equal(2, finished.Counts.Added);
    }

    private static NewJobItem Upload(string document, string text) => new()
    {
        DocumentId = document,
        Content = Encoding.UTF8.GetBytes(text),
        Descriptor = new JobItemDescriptor { FileName = document, MediaType = "text/plain" }.ToJson(),
    };

    private async Task WaitForListenerAsync()
    {
        await using var admin = new NpgsqlConnection(server.SuperuserConnectionString("postgres"));
        await admin.OpenAsync();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var command = new NpgsqlCommand(
                $"SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN {PostgresIngestJobStore.JobChannel}'", admin);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "The worker never started listening.");
            await Task.Delay(20);
        }
    }
}
