using System.Diagnostics;
using Verity.Core.Jobs;

namespace Verity.Sqlite.Tests.Jobs;

/// <summary>Workers that stop half way: leases that run out, leases of dead processes handed back at start, items
/// abandoned again and again, and a worker cancelled in the middle of an item.</summary>
public sealed class IngestionWorkerRecoveryTests
{
    private const string Ghost = "ghost-host/4242/1";

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task ProcessNextAsync_LeaseOfAnotherWorkerExpired_TakesTheItemOver()
    {
        var options = JobHarness.FastOptions();
        options.MaxAttempts = 2;
        using var h = await JobHarness.CreateAsync(options);
        var job = await h.EnqueueUploadsAsync([JobHarness.TextItem("orphan.txt", "A document whose first worker died half way.")]);
        var lease = TimeSpan.FromSeconds(30);
        Assert.NotNull(await h.Jobs.LeaseNextAsync(Ghost, lease, job.Id, Ct));

        Assert.False(await h.Worker.ProcessNextAsync(job.Id, Ct));
        h.Clock.Advance(lease + TimeSpan.FromTicks(1));
        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));

        var item = await h.ItemAsync(job.Id, "orphan.txt");
        Assert.Equal(JobItemState.Succeeded, item.State);
        Assert.Equal(JobItemOutcome.Added, item.Outcome);
        Assert.Equal(2, item.Attempts);
        Assert.Equal(1, (await h.DocumentAsync("orphan.txt"))!.Version);
        Assert.Equal(IngestJobState.Succeeded, (await h.GetJobAsync(job.Id)).State);
    }

    [Fact]
    public async Task ProcessNextAsync_ItemAbandonedMoreThanMaxAttempts_QuarantinesItWithoutReadingIt()
    {
        var options = JobHarness.FastOptions();
        options.MaxAttempts = 2;
        using var h = await JobHarness.CreateAsync(options);
        var job = await h.EnqueueUploadsAsync([JobHarness.TextItem("killer.txt", "A document that takes down every worker reading it.")]);
        var lease = TimeSpan.FromSeconds(30);
        var first = await h.Jobs.LeaseNextAsync(Ghost, lease, job.Id, Ct);
        await h.Jobs.RetryItemAsync(first!.Item.Id, "The index is busy; try again.", h.Clock.GetUtcNow(), Ct);
        Assert.NotNull(await h.Jobs.LeaseNextAsync(Ghost, lease, job.Id, Ct));
        h.Clock.Advance(lease + TimeSpan.FromTicks(1));

        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));

        var item = await h.ItemAsync(job.Id, "killer.txt");
        Assert.Equal(JobItemState.Quarantined, item.State);
        Assert.Equal(options.MaxAttempts + 1, item.Attempts);
        Assert.StartsWith($"Abandoned {options.MaxAttempts} times", item.Error, StringComparison.Ordinal);
        Assert.Contains("last error: The index is busy; try again.", item.Error, StringComparison.Ordinal);
        Assert.Equal(0, h.Store.UpsertsOf("killer.txt"));
        Assert.Null(await h.DocumentAsync("killer.txt"));
        var finished = await h.GetJobAsync(job.Id);
        Assert.Equal(IngestJobState.CompletedWithErrors, finished.State);
        Assert.Equal((1, 0), (finished.Counts.Quarantined, finished.Counts.Retrying));
    }

    [Fact]
    public async Task RecoverAsync_LeasesOfDeadLocalProcesses_ReleasedAndOthersKept()
    {
        using var h = await JobHarness.CreateAsync();
        using var other = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            await RecoverAmongOwnersAsync(h, other);
        }
        finally
        {
            other.Kill();
            await other.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task RunAsync_CancelledInTheMiddleOfAnItem_LeavesItLeasedAndAWorkerFinishesItAfterTheLease()
    {
        using var h = await JobHarness.CreateAsync();
        var hanging = h.Store.HangNextUpsert("interrupted.txt");
        var job = await h.EnqueueUploadsAsync([JobHarness.TextItem("interrupted.txt", "A document whose worker shuts down while writing it.")]);
        using var stop = new CancellationTokenSource();
        var run = h.Worker.RunAsync(stop.Token);

        await hanging.WaitAsync(TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var interrupted = await h.ItemAsync(job.Id, "interrupted.txt");
        Assert.Equal(JobItemState.Running, interrupted.State);
        Assert.Equal(1, interrupted.Attempts);
        Assert.Null(await h.DocumentAsync("interrupted.txt"));
        Assert.Equal([IngestionWorker.OwnerId], await h.Jobs.ListLeaseOwnersAsync(Ct));
        // This process is alive, so recovery leaves its lease alone; the lease running out hands the item on.
        Assert.Equal(0, await h.Worker.RecoverAsync(Ct));

        var next = h.CreateWorker(h.Worker.Options);
        Assert.False(await next.ProcessNextAsync(job.Id, Ct));
        h.Clock.Advance(h.Worker.Options.Lease + TimeSpan.FromTicks(1));
        var finished = await next.DrainAsync(JobHarness.Tenant, job.Id, null, Ct);

        Assert.Equal(IngestJobState.Succeeded, finished.State);
        var item = await h.ItemAsync(job.Id, "interrupted.txt");
        Assert.Equal((JobItemOutcome.Added, 2), (item.Outcome!.Value, item.Attempts));
        Assert.Equal(1, (await h.DocumentAsync("interrupted.txt"))!.Version);
        Assert.Equal(2, h.Store.UpsertsOf("interrupted.txt"));
    }

    [Fact]
    public async Task RunAsync_FourLanesOverManyDocuments_IngestsEachExactlyOnce()
    {
        var options = JobHarness.FastOptions();
        options.Concurrency = 4;
        using var h = await JobHarness.CreateAsync(options);
        using var stop = new CancellationTokenSource();
        var run = h.Worker.RunAsync(stop.Token);
        var ids = Enumerable.Range(0, 200).Select(i => $"note-{i:D3}.txt").ToList();

        var job = await h.EnqueueUploadsAsync(
            [.. ids.Select((id, i) => JobHarness.TextItem(id, $"Field note {i}: the observer counted {i * 7 % 31} herons at dawn."))]);
        var finished = await JobHarness.PollAsync(() => h.GetJobAsync(job.Id), j => j.FinishedAt is not null, TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(IngestJobState.Succeeded, finished.State);
        Assert.Equal((200, 200, 200), (finished.Counts.Total, finished.Counts.Done, finished.Counts.Added));
        var documents = await h.DocumentsAsync();
        Assert.Equal(ids, documents.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(documents, d => Assert.Equal(1, d.Version));
        Assert.All(ids, id => Assert.Equal(1, h.Store.UpsertsOf(id)));
        Assert.All(await h.Jobs.ListItemsAsync(JobHarness.Tenant, job.Id, null, 1000, Ct), i => Assert.Equal(1, i.Attempts));
        Assert.Equal(0, await h.Jobs.CountQueuedItemsAsync(null, Ct));
    }

    /// <param name="other">A live process on this machine that is not this one.</param>
    private static async Task RecoverAmongOwnersAsync(JobHarness h, Process other)
    {
        var dead = $"{Environment.MachineName}/{int.MaxValue - 7}/123";
        // This process's id with another start time: a process that died and whose id was reused.
        var reused = $"{Environment.MachineName}/{Environment.ProcessId}/123";
        var live = $"{Environment.MachineName}/{other.Id}/{other.StartTime.ToUniversalTime().Ticks}";
        var remote = $"another-host/{int.MaxValue - 7}/123";
        string[] owners = [dead, reused, IngestionWorker.OwnerId, live, remote, "not-an-owner-id"];
        var job = await h.EnqueueUploadsAsync(
            [.. owners.Select((_, i) => JobHarness.TextItem($"doc-{i}.txt", $"Document number {i} about lease recovery."))]);
        var lease = TimeSpan.FromHours(1);
        foreach (var owner in owners)
        {
            Assert.NotNull(await h.Jobs.LeaseNextAsync(owner, lease, job.Id, Ct));
        }

        Assert.False(await h.Worker.ProcessNextAsync(job.Id, Ct));

        Assert.Equal(2, await h.Worker.RecoverAsync(Ct));

        // The released items run now, long before their leases would have run out; the others stay leased.
        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));
        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));
        Assert.False(await h.Worker.ProcessNextAsync(job.Id, Ct));
        var items = await h.ItemsByDocumentAsync(job.Id);
        Assert.Equal((JobItemState.Succeeded, 2), (items["doc-0.txt"].State, items["doc-0.txt"].Attempts));
        Assert.Equal((JobItemState.Succeeded, 2), (items["doc-1.txt"].State, items["doc-1.txt"].Attempts));
        Assert.All(Enumerable.Range(2, 4), i => Assert.Equal(JobItemState.Running, items[$"doc-{i}.txt"].State));
        Assert.Equal(owners[2..].Order(StringComparer.Ordinal), (await h.Jobs.ListLeaseOwnersAsync(Ct)).Order(StringComparer.Ordinal));
        Assert.Equal(0, await h.Worker.RecoverAsync(Ct));
    }
}
