using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Jobs;

namespace Verity.Sqlite.Tests;

/// <summary>The job store conformance suite against a real SQLite file, plus what only the SQLite store has: the
/// file it shares with the index, WAL, busy timeouts and dropping content once an item ends.</summary>
public sealed class SqliteIngestJobStoreTests : IngestJobStoreConformanceTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.Combine("data", "verity.db");

    protected override IIngestJobStore CreateStore(TimeProvider time) =>
        new SqliteIngestJobStore(new SqliteStoreOptions { Path = DatabasePath }, NullLogger<SqliteIngestJobStore>.Instance, time);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CreateJobAsync_NewFile_CreatesItInWalModeWithTimeOrderedJobIds()
    {
        var first = await Store.CreateJobAsync(NewJob(TenantA), [Item("a")], null, Ct);
        Time.Advance(TimeSpan.FromMilliseconds(5));
        var second = await Store.CreateJobAsync(NewJob(TenantA), [Item("b")], null, Ct);

        Assert.Matches("^job_[0-9a-f]{32}$", first.Id);
        Assert.True(string.CompareOrdinal(first.Id, second.Id) < 0, $"{first.Id} sorts before {second.Id}");
        using var connection = OpenRaw();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal("5", Scalar(connection, "SELECT value FROM schema_info WHERE key = 'schema_version'"));
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

        using (var connection = OpenRaw())
        {
            Assert.Equal(
                ["done:", "broken:", "cancelled:5", "waiting:4"],
                Column(connection, "SELECT document_id || ':' || coalesce(length(content), '') FROM ingest_job_items ORDER BY seq"));
        }

        await Store.CancelJobAsync(TenantA, job.Id, Ct);

        using (var connection = OpenRaw())
        {
            Assert.Equal("4", Scalar(connection, "SELECT count(*) FROM ingest_job_items"));
            Assert.Equal("0", Scalar(connection, "SELECT count(*) FROM ingest_job_items WHERE content IS NOT NULL"));
            Assert.Equal(
                ["succeeded", "quarantined", "cancelled", "cancelled"],
                Column(connection, "SELECT state FROM ingest_job_items ORDER BY seq"));
        }
    }

    [Fact]
    public async Task CreateJobAsync_AnotherConnectionHoldsTheWriteLock_GivesUpAfterTheBusyTimeoutAsTransient()
    {
        using var store = new SqliteIngestJobStore(
            new SqliteStoreOptions { Path = DatabasePath, BusyTimeout = TimeSpan.FromSeconds(1) }, NullLogger<SqliteIngestJobStore>.Instance, Time);
        Assert.Equal(0, await store.CountQueuedItemsAsync(null, Ct));
        using var blocker = OpenRaw();
        using var transaction = blocker.BeginTransaction(deferred: false);
        using (var write = blocker.CreateCommand())
        {
            write.CommandText = "INSERT INTO connector_checkpoints VALUES ('t', 'c', 'x', 'now')";
            write.ExecuteNonQuery();
        }

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CreateJobAsync(NewJob(TenantA), [Item("a")], null, Ct));

        Assert.True(error.IsTransient);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        transaction.Rollback();
        Assert.Equal(1, (await store.CreateJobAsync(NewJob(TenantA), [Item("a")], null, Ct)).Counts.Total);
    }

    [Fact]
    public async Task AddVeritySqlite_Registration_BuildsTheJobStoreOnTheSameFileWithTheRegisteredClock()
    {
        var services = new ServiceCollection().AddVeritySqlite(new SqliteStoreOptions { Path = DatabasePath });
        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(IIngestJobStore));
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);

        using var jobs = Assert.IsType<SqliteIngestJobStore>(descriptor.ImplementationFactory!(new StubServices(Time)));
        var job = await jobs.CreateJobAsync(NewJob(TenantA), [Item("a")], null, Ct);

        Assert.Equal(Time.GetUtcNow(), job.CreatedAt);
        Assert.Equal(job, await Store.GetJobAsync(TenantA, job.Id, Ct));
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static string Scalar(SqliteConnection connection, string sql) => Column(connection, sql).Single();

    /// <summary>What the registration's factory asks a container for: loggers and the clock.</summary>
    private sealed class StubServices(TimeProvider time) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(TimeProvider) ? time
            : serviceType.IsGenericType && serviceType.GetGenericTypeDefinition() == typeof(ILogger<>)
                ? Activator.CreateInstance(typeof(NullLogger<>).MakeGenericType(serviceType.GetGenericArguments()))
                : null;
    }

    private static List<string> Column(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }
}
