using System.Globalization;
using Microsoft.Data.Sqlite;
using Verity.Core.Jobs;

namespace Verity.Sqlite.Tests.Jobs;

/// <summary>A worker renews the lease of the item it runs, so a slow item is not taken over while its worker lives,
/// and stops an item whose lease is no longer its own. "Now" is the harness's hand-moved clock; the beats run on
/// real time (every 20 ms).</summary>
public sealed class IngestionWorkerHeartbeatTests
{
    private const string Ghost = "ghost-host/4242/1";

    private static CancellationToken Ct => CancellationToken.None;

    private static IngestionWorkerOptions Options()
    {
        var options = JobHarness.FastOptions();
        options.Lease = TimeSpan.FromSeconds(30);
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(20);
        return options;
    }

    [Fact]
    public async Task ProcessNextAsync_ItemOutlastsItsFirstLease_KeepsItFromOtherWorkersWhileRunning()
    {
        using var h = await JobHarness.CreateAsync(Options());
        var hanging = h.Store.HangNextUpsert("slow.txt");
        var job = await h.EnqueueUploadsAsync([JobHarness.TextItem("slow.txt", "A document that takes longer to write than one lease.")]);
        using var stop = new CancellationTokenSource();
        var run = h.Worker.ProcessNextAsync(job.Id, stop.Token);
        await hanging.WaitAsync(TimeSpan.FromSeconds(10));
        var firstLease = LeaseUntil(h);

        h.Clock.Advance(TimeSpan.FromSeconds(20));
        var renewed = await WaitForLeaseBeyondAsync(h, firstLease);
        h.Clock.Advance(TimeSpan.FromSeconds(20));

        Assert.True(renewed >= firstLease + TimeSpan.FromSeconds(20), $"renewed to {renewed:O}, first lease {firstLease:O}");
        Assert.Null(await h.Jobs.LeaseNextAsync(Ghost, TimeSpan.FromSeconds(30), job.Id, Ct));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(JobItemState.Running, (await h.ItemAsync(job.Id, "slow.txt")).State);
    }

    [Fact]
    public async Task ProcessNextAsync_LeaseReleasedUnderTheWorker_StopsTheItemWithoutEndingItAndItRunsAgainLater()
    {
        using var h = await JobHarness.CreateAsync(Options());
        var hanging = h.Store.HangNextUpsert("moved.txt");
        var job = await h.EnqueueUploadsAsync([JobHarness.TextItem("moved.txt", "A document whose lease is handed back while it is written.")]);
        var run = h.Worker.ProcessNextAsync(job.Id, Ct);
        await hanging.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, await h.Jobs.ReleaseLeasesAsync(IngestionWorker.OwnerId, Ct));

        Assert.True(await run.WaitAsync(TimeSpan.FromSeconds(10)));
        var stopped = await h.ItemAsync(job.Id, "moved.txt");
        Assert.Equal((JobItemState.Running, 1, null), (stopped.State, stopped.Attempts, stopped.Error));
        Assert.Null(await h.DocumentAsync("moved.txt"));

        var finished = await h.Worker.DrainAsync(JobHarness.Tenant, job.Id, null, Ct);
        Assert.Equal(IngestJobState.Succeeded, finished.State);
        var item = await h.ItemAsync(job.Id, "moved.txt");
        Assert.Equal((JobItemOutcome.Added, 2), (item.Outcome!.Value, item.Attempts));
        Assert.Equal(1, (await h.DocumentAsync("moved.txt"))!.Version);
    }

    private static async Task<DateTimeOffset> WaitForLeaseBeyondAsync(JobHarness h, DateTimeOffset lease)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var current = LeaseUntil(h);
            if (current > lease || DateTime.UtcNow > deadline)
            {
                return current;
            }

            await Task.Delay(10);
        }
    }

    private static DateTimeOffset LeaseUntil(JobHarness h)
    {
        using var connection = new SqliteConnection($"Data Source={h.DatabasePath};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT lease_until FROM ingest_job_items WHERE state = 'running'";
        return DateTimeOffset.Parse((string)command.ExecuteScalar()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
