using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Core.Jobs;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Jobs;

/// <summary>The job store conformance suite against a real PostgreSQL server, a fresh database per test. Every store
/// the suite opens gets its own <see cref="PostgresDatabase"/> (its own pool), as a separate process would.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresIngestJobStoreTests(PostgresServer server) : IngestJobStoreConformanceTests, IDisposable
{
    private readonly string _connectionString = server.CreateDatabase();
    private readonly List<PostgresDatabase> _databases = [];

    protected override IIngestJobStore CreateStore(TimeProvider time)
    {
        var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = _connectionString }, NullLogger<PostgresDatabase>.Instance);
        _databases.Add(database);
        return new PostgresIngestJobStore(database, NullLogger<PostgresIngestJobStore>.Instance, time);
    }

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }

    [Fact]
    public async Task ItemEnds_AnyWay_DropsTheContentAndKeepsTheRow()
    {
        var job = await Store.CreateJobAsync(
            NewJob(TenantA), [Item("done", "one"), Item("broken", "two"), Item("cancelled", "three"), Item("waiting", "four")], null, Ct);
        await CompleteNextAsync(job.Id, JobItemOutcome.Added);
        var broken = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        await Store.QuarantineItemAsync(broken!.Item.Id, "unreadable", Ct);
        var retried = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        await Store.RetryItemAsync(retried!.Item.Id, "timeout", Time.GetUtcNow().AddMinutes(1), Ct);

        Assert.Equal(
            ["done:", "broken:", "cancelled:5", "waiting:4"],
            await ColumnAsync("SELECT document_id || ':' || coalesce(length(content)::text, '') FROM ingest_job_items ORDER BY seq"));

        await Store.CancelJobAsync(TenantA, job.Id, Ct);

        Assert.Equal(["0"], await ColumnAsync("SELECT count(*) FROM ingest_job_items WHERE content IS NOT NULL"));
        Assert.Equal(
            ["succeeded", "quarantined", "cancelled", "cancelled"],
            await ColumnAsync("SELECT state FROM ingest_job_items ORDER BY seq"));
    }

    [Fact]
    public async Task CreateJobAsync_ThousandsOfItems_StoresThemInOrderInOneJob()
    {
        var items = Enumerable.Range(0, 12_000)
            .Select(i => i % 3 == 0 ? Item($"doc-{i:00000}", new string('x', i % 50)) : Item($"doc-{i:00000}") with { Locator = $"/srv/{i}" })
            .ToArray();

        var job = await Store.CreateJobAsync(NewJob(TenantA), items, null, Ct);

        Assert.Equal(12_000, job.Counts.Total);
        var stored = await Store.ListItemsAsync(TenantA, job.Id, null, 10_000, Ct);
        Assert.Equal(items.Take(10_000).Select(i => i.DocumentId), stored.Select(i => i.DocumentId));
        Assert.Equal(items.Take(10_000).Select(i => (long)(i.Content?.Length ?? 0)), stored.Select(i => i.Bytes));
        Assert.Equal(stored.Select(i => i.Id).Order(), stored.Select(i => i.Id));
        Assert.Equal(["12000"], await ColumnAsync("SELECT count(DISTINCT seq) FROM ingest_job_items"));
        Assert.Equal("doc-00000", (await Store.LeaseNextAsync(Worker, Lease, null, Ct))!.Item.DocumentId);
    }

    [Fact]
    public async Task ReleaseLeasesAsync_DeadOwner_MakesOnlyItsItemsDueAtOnceWithTheirAttemptsKept()
    {
        var job = await Store.CreateJobAsync(NewJob(TenantA), [Item("a"), Item("b"), Item("c")], null, Ct);
        var dead = await Store.LeaseNextAsync("host/111/1", Lease, job.Id, Ct);
        var alsoDead = await Store.LeaseNextAsync("host/111/1", Lease, job.Id, Ct);
        var live = await Store.LeaseNextAsync("host/222/2", Lease, job.Id, Ct);

        Assert.Equal(["host/111/1", "host/222/2"], (await Store.ListLeaseOwnersAsync(Ct)).Order(StringComparer.Ordinal));
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct));
        Assert.Equal(2, await Store.ReleaseLeasesAsync("host/111/1", Ct));

        var again = new[] { await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct), await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct) };
        Assert.Equal([dead!.Item.Id, alsoDead!.Item.Id], again.Select(l => l!.Item.Id));
        Assert.All(again, l => Assert.Equal(2, l!.Item.Attempts));
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct));
        Assert.Equal(["host/222/2", Worker], (await Store.ListLeaseOwnersAsync(Ct)).Order(StringComparer.Ordinal));
        Assert.Equal(0, await Store.ReleaseLeasesAsync("host/111/1", Ct));
        await Store.CompleteItemAsync(live!.Item.Id, JobItemOutcome.Added, 1, 0, Ct);
        Assert.Equal([Worker], await Store.ListLeaseOwnersAsync(Ct));
    }

    [Fact]
    public async Task LeaseNextAsync_TwentyThousandQueuedInATableNoAnalyzeHasSeen_WalksTheQueueInsteadOfSortingIt()
    {
        // Planner statistics are missing (or stale) exactly when a burst arrives; a lease that then checks and sorts
        // the whole queue costs a probe per queued item (here ~20,000) instead of a few.
        var items = Enumerable.Range(0, 20_000).Select(i => Item($"doc-{i % 5000:0000}")).ToArray();
        await Store.CreateJobAsync(NewJob(TenantA), items, null, Ct);
        await Store.LeaseNextAsync(Worker, Lease, null, Ct);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var leased = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            leased.Add((await Store.LeaseNextAsync(Worker, Lease, null, Ct))!.Item.DocumentId);
        }

        clock.Stop();
        // Walking, each lease takes a millisecond or so; sorting, about 80 ms here.
        Assert.Equal(Enumerable.Range(1, 100).Select(i => $"doc-{i:0000}"), leased);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"100 leases took {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    /// <summary>Reads as the superuser, which row-level security does not restrict.</summary>
    private async Task<List<string>> ColumnAsync(string sql)
    {
        var database = new NpgsqlConnectionStringBuilder(_connectionString).Database!;
        await using var connection = new NpgsqlConnection(server.SuperuserConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }
}
