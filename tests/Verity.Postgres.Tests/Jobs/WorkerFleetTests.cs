using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Jobs;
using Verity.Core.Model;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;
using Xunit.Abstractions;

namespace Verity.Postgres.Tests.Jobs;

/// <summary>
/// The durable queue as a fleet uses it: ten worker processes (each its own connection pool and a real
/// <see cref="IngestionWorker"/>) drain two thousand uploads while jobs are still being enqueued, and workers are
/// killed at random moments without releasing anything; a replacement starts for each. The killed workers' items are
/// taken over once their short leases run out. At the end every job has finished, every item was counted once, and
/// the index holds every document once, at the version its last item left it.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class WorkerFleetTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Workers = 10;
    private const int MaxKills = 10;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private readonly List<PostgresDatabase> _databases = [];
    private readonly List<WorkerProcess> _live = [];

    private static CancellationToken Ct => CancellationToken.None;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var worker in _live)
        {
            await worker.StopAsync();
        }

        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task RunAsync_TenWorkersKilledAtRandom_EveryItemEndsOnceAndEveryDocumentIsIndexedOnceInOrder()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var superuser = server.SuperuserConnectionString(new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!);
        var parts = WorkerProcess.Parts.Create(new IngestionWorkerOptions
        {
            Concurrency = 2,
            Lease = TimeSpan.FromSeconds(2),
            PollInterval = TimeSpan.FromMilliseconds(50),
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            MaxAttempts = 20,
            RetainFinishedJobs = null,
        });
        var control = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = connectionString }, NullLogger<PostgresDatabase>.Instance);
        _databases.Add(control);
        var jobs = new PostgresIngestJobStore(control, NullLogger<PostgresIngestJobStore>.Instance);
        var index = new PostgresIndexStore(control, NullLogger<PostgresIndexStore>.Instance);
        await index.InitializeAsync(parts.Index, Ct);
        var plan = FleetQueuePlan.Create(jobs: 200, itemsPerJob: 10, documentsPerTenant: 250, seed: 6);
        var ledger = new LeaseLedger();
        var next = 0;
        for (; next < Workers; next++)
        {
            _live.Add(await WorkerProcess.StartAsync(next, connectionString, parts, ledger));
        }

        var clock = Stopwatch.StartNew();
        var created = new List<IngestJob>();
        var producer = Task.Run(async () =>
        {
            foreach (var (tenant, items) in plan.Jobs)
            {
                created.Add(await jobs.CreateJobAsync(new NewIngestJob { TenantId = tenant, Kind = "upload", Source = "api" }, items, null, Ct));
            }
        });

        // Kill a random worker after every 120 to 150 items, whatever the machine's speed, and start a replacement.
        var random = new Random(6);
        var killAt = random.Next(120, 150);
        while (clock.Elapsed < Deadline)
        {
            await Task.Delay(50);
            if (ledger.Kills < MaxKills && ledger.EndsStarted >= killAt)
            {
                var victim = _live[random.Next(_live.Count)];
                _live.Remove(victim);
                await victim.KillAsync(superuser, ledger);
                _live.Add(await WorkerProcess.StartAsync(next++, connectionString, parts, ledger));
                killAt = ledger.EndsStarted + random.Next(120, 150);
            }
            else if (producer.IsCompleted && await jobs.CountQueuedItemsAsync(null, Ct) == 0)
            {
                break;
            }
        }

        var drained = clock.Elapsed;
        await producer;
        foreach (var worker in _live)
        {
            await worker.StopAsync();
        }

        _live.Clear();
        var findings = ledger.Analyse();
        output.WriteLine(
            $"{plan.ItemCount} items in {plan.Jobs.Count} jobs drained by {Workers} workers in {drained.TotalSeconds:0.0} s " +
            $"({plan.ItemCount / drained.TotalSeconds:0} items/s); {ledger.Kills} kills, {findings.Grants} leases, " +
            $"{findings.Takeovers} takeovers after a lease ran out ({findings.LiveTakeovers} from a live worker), {findings.Ends} ends started");

        Assert.True(drained < Deadline, $"The queue was not drained within {Deadline}.");
        Assert.Empty(findings.Violations);
        Assert.Equal(0, findings.LiveTakeovers);
        Assert.Equal(MaxKills, ledger.Kills);
        Assert.True(findings.Takeovers > 0, "No killed worker held a lease: the takeover path was not exercised.");
        await AssertJobsCountedOnceAsync(jobs, created, plan.ItemCount);
        await AssertIndexMatchesThePlanAsync(index, plan);
    }

    private static async Task AssertJobsCountedOnceAsync(PostgresIngestJobStore jobs, List<IngestJob> created, int total)
    {
        Assert.Equal(0, await jobs.CountQueuedItemsAsync(null, Ct));
        Assert.Empty(await jobs.ListUnfinishedJobsAsync(Ct));
        var done = 0;
        foreach (var job in created)
        {
            var finished = (await jobs.GetJobAsync(job.TenantId, job.Id, Ct))!;
            var c = finished.Counts;
            Assert.Equal(IngestJobState.Succeeded, finished.State);
            Assert.NotNull(finished.FinishedAt);
            Assert.Equal(c.Total, c.Done);
            // Stale would mean a document's older item ran after a newer one: the order broke.
            Assert.Equal((0, 0, 0), (c.Quarantined, c.Stale, c.Retrying));
            var items = await jobs.ListItemsAsync(job.TenantId, job.Id, null, 100, Ct);
            Assert.All(items, i => Assert.Equal(JobItemState.Succeeded, i.State));
            Assert.Equal(
                (c.Added, c.Updated, c.Unchanged, c.Removed),
                (Count(JobItemOutcome.Added), Count(JobItemOutcome.Updated), Count(JobItemOutcome.Unchanged), Count(JobItemOutcome.Removed)));
            done += c.Done;

            int Count(JobItemOutcome outcome) => items.Count(i => i.Outcome == outcome);
        }

        Assert.Equal(total, done);
    }

    private static async Task AssertIndexMatchesThePlanAsync(PostgresIndexStore index, FleetQueuePlan plan)
    {
        foreach (var tenant in FleetQueuePlan.Tenants)
        {
            var documents = new List<DocumentRecord>();
            string? after = null;
            do
            {
                var page = await index.ListDocumentsAsync(new DocumentListQuery { TenantId = tenant, Limit = 100, After = after }, Ct);
                documents.AddRange(page.Documents);
                after = page.Next;
            }
            while (after is not null);

            var expected = plan.Expected.Where(e => e.Key.Tenant == tenant && e.Value is not null)
                .ToDictionary(e => e.Key.Document, e => e.Value!.Value, StringComparer.Ordinal);
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), documents.Select(d => d.Id).Order(StringComparer.Ordinal));
            Assert.All(documents, d => Assert.Equal(expected[d.Id], d.SourceVersion));
            foreach (var document in documents)
            {
                var text = await index.GetDocumentTextAsync(tenant, document.Id, Ct);
                Assert.Contains(FleetQueuePlan.Marker(expected[document.Id]), text, StringComparison.Ordinal);
            }

            var statistics = await index.GetStatisticsAsync(tenant, Ct);
            Assert.Equal(expected.Count, statistics.Documents);
            Assert.Equal(documents.Sum(d => d.ChunkCount), statistics.Chunks);
        }
    }
}
