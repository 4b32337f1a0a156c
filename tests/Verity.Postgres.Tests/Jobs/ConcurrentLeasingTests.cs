using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core.Jobs;
using Verity.Postgres.Tests.Index;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;
using Xunit.Abstractions;

namespace Verity.Postgres.Tests.Jobs;

/// <summary>
/// FOR UPDATE SKIP LOCKED under load, without the worker: many leasers on separate connection pools (as separate
/// processes would be) hammer <see cref="IIngestJobStore.LeaseNextAsync"/> over one queue. While an item is leased
/// nobody else gets it, two items of one document are never out at once, each document's items end in enqueue order,
/// and every item is counted exactly once. No transaction is ever retried: the lock order leaves no room for a
/// deadlock.
/// </summary>
[Collection(PostgresTests.Name)]
public sealed class ConcurrentLeasingTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Pools = 4;
    private const int LeasersPerPool = 4;
    private const int JobsPerTenant = 24;
    private const int ItemsPerJob = 10;
    private const int DocumentsPerTenant = 120;
    private static readonly string[] Tenants = ["tenant-a", "tenant-b"];
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly List<PostgresDatabase> _databases = [];
    private readonly ListLogger<PostgresDatabase> _databaseLog = new();

    public async Task InitializeAsync()
    {
        var connectionString = await server.CreateDatabaseAsync();
        for (var i = 0; i < Pools; i++)
        {
            _databases.Add(new PostgresDatabase(new PostgresStoreOptions { ConnectionString = connectionString }, _databaseLog));
        }

        foreach (var database in _databases)
        {
            await database.EnsureReadyAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task LeaseNextAsync_SixteenLeasersOnFourPools_NeverHandOutALeasedItemOrTwoItemsOfOneDocument()
    {
        var stores = _databases.Select(d => new PostgresIngestJobStore(d, NullLogger<PostgresIngestJobStore>.Instance)).ToArray();
        var jobs = new List<IngestJob>();
        for (var j = 0; j < JobsPerTenant; j++)
        {
            foreach (var tenant in Tenants)
            {
                // Every document comes back once every few jobs, so the document order is exercised across jobs.
                var items = Enumerable.Range(0, ItemsPerJob)
                    .Select(k => new NewJobItem { DocumentId = $"doc-{((j * ItemsPerJob) + k) % DocumentsPerTenant:000}.md" })
                    .ToArray();
                jobs.Add(await stores[j % Pools].CreateJobAsync(
                    new NewIngestJob { TenantId = tenant, Kind = "folder", Source = "fs:/srv" }, items, null, CancellationToken.None));
            }
        }

        var total = jobs.Sum(j => j.Counts.Total);
        var held = new ConcurrentDictionary<long, string>();
        var heldDocuments = new ConcurrentDictionary<string, long>();
        var endOrder = new ConcurrentDictionary<string, ConcurrentQueue<long>>();
        var violations = new ConcurrentQueue<string>();
        var leases = 0;
        var retries = 0;
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Pools * LeasersPerPool).Select(n => Task.Run(async () =>
        {
            var store = stores[n % Pools];
            var worker = $"leaser-{n}";
            var random = new Random(n);
            while (true)
            {
                var leased = await store.LeaseNextAsync(worker, Lease, null, CancellationToken.None);
                if (leased is null)
                {
                    if (await store.CountQueuedItemsAsync(null, CancellationToken.None) == 0)
                    {
                        return;
                    }

                    // What is left waits behind an item of its document that another leaser holds.
                    await Task.Delay(2);
                    continue;
                }

                Interlocked.Increment(ref leases);
                var item = leased.Item;
                var document = item.TenantId + "/" + item.DocumentId;
                if (!held.TryAdd(item.Id, worker))
                {
                    violations.Enqueue($"item {item.Id} leased to {worker} while {held.GetValueOrDefault(item.Id)} held it");
                }

                if (!heldDocuments.TryAdd(document, item.Id))
                {
                    violations.Enqueue($"item {item.Id} of {document} leased while item {heldDocuments.GetValueOrDefault(document)} of it was out");
                }

                var retry = item.Attempts == 1 && random.Next(8) == 0;
                if (!retry)
                {
                    endOrder.GetOrAdd(document, _ => new ConcurrentQueue<long>()).Enqueue(item.Id);
                }

                held.TryRemove(item.Id, out _);
                heldDocuments.TryRemove(document, out _);
                if (retry)
                {
                    Interlocked.Increment(ref retries);
                    await store.RetryItemAsync(item.Id, "transient", DateTimeOffset.UtcNow, CancellationToken.None);
                }
                else
                {
                    await store.CompleteItemAsync(item.Id, JobItemOutcome.Added, 1, 0, CancellationToken.None);
                }
            }
        })));
        clock.Stop();

        output.WriteLine($"{total} items, {leases} leases ({retries} retries) by {Pools * LeasersPerPool} leasers on {Pools} pools " +
            $"in {clock.Elapsed.TotalSeconds:0.00} s: {leases / clock.Elapsed.TotalSeconds:0} leases/s");
        Assert.Empty(violations);
        Assert.Equal(total + retries, leases);
        Assert.Equal(total, endOrder.Values.Sum(q => q.Count));
        Assert.Equal(Tenants.Length * DocumentsPerTenant, endOrder.Count);
        Assert.All(endOrder, e => Assert.Equal(e.Value.Order(), e.Value));
        foreach (var job in jobs)
        {
            var finished = await stores[0].GetJobAsync(job.TenantId, job.Id, CancellationToken.None);
            Assert.Equal(IngestJobState.Succeeded, finished!.State);
            Assert.Equal(new JobCounts { Total = ItemsPerJob, Done = ItemsPerJob, Added = ItemsPerJob, Chunks = ItemsPerJob }, finished.Counts);
        }

        AssertNoTransactionRetried();
    }

    [Fact]
    public async Task CancelJobAsync_WhileEightLeasersCompleteAndRetry_EveryItemEndsOnceAndTheJobFinishesCancelled()
    {
        var stores = _databases.Select(d => new PostgresIngestJobStore(d, NullLogger<PostgresIngestJobStore>.Instance)).ToArray();
        var items = Enumerable.Range(0, 300).Select(i => new NewJobItem { DocumentId = $"doc-{i:000}.md" }).ToArray();
        var job = await stores[0].CreateJobAsync(
            new NewIngestJob { TenantId = Tenants[0], Kind = "folder", Source = "fs:/srv" }, items, null, CancellationToken.None);
        var completed = new ConcurrentBag<long>();
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var deadline = Stopwatch.StartNew();

        var leasers = Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
        {
            var store = stores[n % Pools];
            var random = new Random(n);
            while (deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                if (await store.LeaseNextAsync($"leaser-{n}", Lease, job.Id, CancellationToken.None) is not { } leased)
                {
                    if ((await store.GetJobAsync(job.TenantId, job.Id, CancellationToken.None))!.FinishedAt is not null)
                    {
                        return;
                    }

                    await Task.Delay(2);
                    continue;
                }

                if (random.Next(4) == 0)
                {
                    await store.RetryItemAsync(leased.Item.Id, "transient", DateTimeOffset.UtcNow, CancellationToken.None);
                    continue;
                }

                await store.CompleteItemAsync(leased.Item.Id, JobItemOutcome.Added, 1, 0, CancellationToken.None);
                completed.Add(leased.Item.Id);
                if (completed.Count == 100)
                {
                    cancelled.SetResult(await stores[1].CancelJobAsync(job.TenantId, job.Id, CancellationToken.None));
                }
            }
        })).ToList();
        await Task.WhenAll(leasers);

        Assert.True(await cancelled.Task);
        var finished = (await stores[0].GetJobAsync(job.TenantId, job.Id, CancellationToken.None))!;
        var ended = await stores[0].ListItemsAsync(job.TenantId, job.Id, null, 1000, CancellationToken.None);
        var succeeded = ended.Where(i => i.State == JobItemState.Succeeded).Select(i => i.Id).ToHashSet();
        output.WriteLine($"{succeeded.Count} of {items.Length} items ran; the cancellation ended the other {items.Length - succeeded.Count}");
        Assert.Equal(IngestJobState.Cancelled, finished.State);
        Assert.NotNull(finished.FinishedAt);
        Assert.InRange(succeeded.Count, 100, items.Length - 1);
        Assert.Equal(completed.Order(), succeeded.Order());
        Assert.Equal(
            new JobCounts { Total = items.Length, Done = succeeded.Count, Added = succeeded.Count, Chunks = succeeded.Count },
            finished.Counts);
        Assert.All(ended.Where(i => i.State != JobItemState.Succeeded), i => Assert.Equal("cancelled", i.Error));
        Assert.Equal(0, await stores[0].CountQueuedItemsAsync(null, CancellationToken.None));
        AssertNoTransactionRetried();
    }

    /// <summary>A deadlock or serialization failure would have been retried, with a warning (2103) or an error (2104).</summary>
    private void AssertNoTransactionRetried() =>
        Assert.DoesNotContain(_databaseLog.Entries, e => e.Event.Id is 2103 or 2104);
}
