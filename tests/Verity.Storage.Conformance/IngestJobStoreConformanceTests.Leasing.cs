using System.Collections.Concurrent;
using Verity.Core.Jobs;

namespace Verity.Storage.Conformance;

/// <summary>Leases, the end of items and of jobs, retries, quarantine and cancellation. Part of the job store
/// conformance suite.</summary>
public abstract partial class IngestJobStoreConformanceTests
{
    [Fact]
    public async Task LeaseNextAsync_TwoJobs_HandsOutOldestFirstAndOnlyFromTheJobAsked()
    {
        var first = await Store.CreateJobAsync(NewJob(TenantA, kind: "upload", source: "api"), [Item("a1", "alpha"), Item("a2")], null, Ct);
        var second = await Store.CreateJobAsync(NewJob(TenantB), [Item("b1"), Item("b2")], null, Ct);

        var fromSecond = await Store.LeaseNextAsync(Worker, Lease, second.Id, Ct);
        var oldest = await Store.LeaseNextAsync(Worker, Lease, null, Ct);
        var next = await Store.LeaseNextAsync(Worker, Lease, null, Ct);
        var last = await Store.LeaseNextAsync(Worker, Lease, null, Ct);

        Assert.Equal("b1", fromSecond!.Item.DocumentId);
        Assert.Equal(["a1", "a2", "b2"], new[] { oldest, next, last }.Select(l => l!.Item.DocumentId));
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, null, Ct));
        Assert.Equal("api", oldest!.Source);
        Assert.Equal("upload", oldest.Kind);
        Assert.Equal("alpha"u8.ToArray(), oldest.Content!.Value.ToArray());
        Assert.Null(next!.Content);
        Assert.Equal("fs:/srv/wiki", fromSecond.Source);
        Assert.Equal(Time.GetUtcNow() + Lease, oldest.LeaseUntil);
        Assert.Equal(JobItemState.Running, oldest.Item.State);
        Assert.Equal(1, oldest.Item.Attempts);
        var job = await JobAsync(first);
        Assert.Equal(IngestJobState.Running, job.State);
        Assert.Equal(Time.GetUtcNow(), job.StartedAt);
    }

    [Fact]
    public async Task LeaseNextAsync_EarlierItemOfTheSameDocumentNotEnded_HoldsTheLaterOneBack()
    {
        var first = await Store.CreateJobAsync(NewJob(TenantA), [Item("x.md", "v1"), Item("y.md")], null, Ct);
        var second = await Store.CreateJobAsync(NewJob(TenantA), [Item("x.md") with { Action = JobItemAction.Delete }, Item("z.md")], null, Ct);
        await Store.CreateJobAsync(NewJob(TenantB), [Item("x.md")], null, Ct);

        var x1 = await Store.LeaseNextAsync(Worker, Lease, null, Ct);
        var others = new[]
        {
            await Store.LeaseNextAsync(Worker, Lease, null, Ct),
            await Store.LeaseNextAsync(Worker, Lease, null, Ct),
            await Store.LeaseNextAsync(Worker, Lease, null, Ct),
        };

        Assert.Equal("x.md", x1!.Item.DocumentId);
        Assert.Equal(first.Id, x1.Item.JobId);
        Assert.Equal(["y.md", "z.md", "x.md"], others.Select(l => l!.Item.DocumentId));
        Assert.Equal(TenantB, others[2]!.Item.TenantId);
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, null, Ct));
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, second.Id, Ct));

        // A retry keeps the order too: the delete waits until the update has really ended.
        await Store.RetryItemAsync(x1.Item.Id, "timeout", Time.GetUtcNow().AddSeconds(10), Ct);
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, null, Ct));
        Time.Advance(TimeSpan.FromSeconds(10));
        var retried = await Store.LeaseNextAsync(Worker, Lease, null, Ct);
        Assert.Equal(x1.Item.Id, retried!.Item.Id);
        await Store.CompleteItemAsync(retried.Item.Id, JobItemOutcome.Added, 1, 0, Ct);

        var delete = await Store.LeaseNextAsync(Worker, Lease, second.Id, Ct);
        Assert.Equal("x.md", delete!.Item.DocumentId);
        Assert.Equal(JobItemAction.Delete, delete.Item.Action);
    }

    [Fact]
    public async Task LeaseNextAsync_ConcurrentWorkersOnTwoStoreInstances_NeverShareAnItem()
    {
        var items = Enumerable.Range(0, 40).Select(i => Item($"doc-{i:00}")).ToArray();
        await Store.CreateJobAsync(NewJob(TenantA), items, null, Ct);
        IIngestJobStore[] stores = [Store, OpenStore()];
        var leased = new ConcurrentBag<long>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var store = stores[w % 2];
            while (await store.LeaseNextAsync($"worker-{w}", Lease, null, Ct) is { } item)
            {
                leased.Add(item.Item.Id);
            }
        })));

        Assert.Equal(40, leased.Count);
        Assert.Equal(40, leased.Distinct().Count());
        Assert.Equal(40, await Store.CountQueuedItemsAsync(TenantA, Ct));
    }

    [Fact]
    public async Task LeaseNextAsync_LeaseRanOut_HandsTheItemOutAgainWithItsContentAndCountsTheAttempt()
    {
        var job = await Store.CreateJobAsync(NewJob(TenantA), [Item("crashy", "payload")], null, Ct);
        var first = await Store.LeaseNextAsync("worker-dead", Lease, null, Ct);

        Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Null(await Store.LeaseNextAsync("worker-2", Lease, null, Ct));
        Time.Advance(TimeSpan.FromSeconds(2));
        var again = await Store.LeaseNextAsync("worker-2", Lease, null, Ct);

        Assert.NotNull(again);
        Assert.Equal(first!.Item.Id, again.Item.Id);
        Assert.Equal(2, again.Item.Attempts);
        Assert.Equal("payload"u8.ToArray(), again.Content!.Value.ToArray());
        Assert.Equal(Time.GetUtcNow() + Lease, again.LeaseUntil);
        Assert.Equal([job.Id], (await Store.ListUnfinishedJobsAsync(Ct)).Select(j => j.Id));
        Assert.Equal(0, (await JobAsync(job)).Counts.Done);
    }

    [Fact]
    public async Task ExtendLeaseAsync_HolderBeatsInTime_KeepsTheItemFromOtherWorkersPastTheFirstLease()
    {
        var job = await Store.CreateJobAsync(NewJob(TenantA), [Item("slow")], null, Ct);
        var leased = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        Time.Advance(Lease * 0.75);

        Assert.True(await Store.ExtendLeaseAsync(leased!.Item.Id, Worker, Time.GetUtcNow() + Lease, Ct));
        Assert.False(await Store.ExtendLeaseAsync(leased.Item.Id, "worker-2", Time.GetUtcNow() + Lease, Ct));
        Time.Advance(Lease * 0.75);

        Assert.Null(await Store.LeaseNextAsync("worker-2", Lease, job.Id, Ct));
        Assert.Equal([Worker], await Store.ListLeaseOwnersAsync(Ct));
        Time.Advance(Lease * 0.5);
        var takenOver = await Store.LeaseNextAsync("worker-2", Lease, job.Id, Ct);
        Assert.Equal(leased.Item.Id, takenOver!.Item.Id);
        Assert.Equal(2, takenOver.Item.Attempts);
    }

    [Fact]
    public async Task ExtendLeaseAsync_LeaseExpiredReleasedOrItemEnded_ReportsTheLeaseLost()
    {
        var job = await Store.CreateJobAsync(NewJob(TenantA), [Item("a"), Item("b"), Item("c")], null, Ct);
        var expired = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.False(await Store.ExtendLeaseAsync(expired!.Item.Id, Worker, Time.GetUtcNow() + Lease, Ct));

        var released = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        await Store.ReleaseLeasesAsync(Worker, Ct);
        Assert.False(await Store.ExtendLeaseAsync(released!.Item.Id, Worker, Time.GetUtcNow() + Lease, Ct));

        var ended = await Store.LeaseNextAsync("worker-2", Lease, job.Id, Ct);
        await Store.CompleteItemAsync(ended!.Item.Id, JobItemOutcome.Added, 1, 0, Ct);
        Assert.False(await Store.ExtendLeaseAsync(ended.Item.Id, "worker-2", Time.GetUtcNow() + Lease, Ct));
    }

    [Fact]
    public async Task CompleteItemAsync_EveryOutcome_CountsEachAndFinishesTheJobSucceeded()
    {
        var job = await Store.CreateJobAsync(
            NewJob(TenantA), [Item("added", "12345"), Item("updated", "123"), Item("unchanged"), Item("stale"), Item("removed")], null, Ct);

        await CompleteNextAsync(job.Id, JobItemOutcome.Added, chunks: 3);
        await CompleteNextAsync(job.Id, JobItemOutcome.Updated, chunks: 2);
        await CompleteNextAsync(job.Id, JobItemOutcome.Unchanged, chunks: 0);
        await CompleteNextAsync(job.Id, JobItemOutcome.Stale, chunks: 0);
        Assert.Null((await JobAsync(job)).FinishedAt);
        Time.Advance(TimeSpan.FromSeconds(3));
        await CompleteNextAsync(job.Id, JobItemOutcome.Removed, chunks: 0);

        var finished = await JobAsync(job);
        Assert.Equal(IngestJobState.Succeeded, finished.State);
        Assert.Equal(Time.GetUtcNow(), finished.FinishedAt);
        Assert.Equal(
            new JobCounts { Total = 5, Done = 5, Added = 1, Updated = 1, Unchanged = 1, Stale = 1, Removed = 1, Chunks = 5, Bytes = 8 },
            finished.Counts);
        var items = await Store.ListItemsAsync(TenantA, job.Id, JobItemState.Succeeded, 10, Ct);
        Assert.Equal(
            [JobItemOutcome.Added, JobItemOutcome.Updated, JobItemOutcome.Unchanged, JobItemOutcome.Stale, JobItemOutcome.Removed],
            items.Select(i => i.Outcome!.Value));
        Assert.Empty(await Store.ListUnfinishedJobsAsync(Ct));
        Assert.Equal(0, await Store.CountQueuedItemsAsync(null, Ct));
    }

    [Fact]
    public async Task QuarantineItemAsync_OneItemRejected_KeepsTheReasonAndCompletesTheJobWithErrors()
    {
        var job = await Store.CreateJobAsync(NewJob(TenantA), [Item("fine"), Item("broken.pdf", "%PDF-garbage")], null, Ct);
        await CompleteNextAsync(job.Id, JobItemOutcome.Added);
        var broken = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        Time.Advance(TimeSpan.FromSeconds(1));

        await Store.QuarantineItemAsync(broken!.Item.Id, "The PDF is encrypted; remove the password and upload it again.", Ct);

        var finished = await JobAsync(job);
        Assert.Equal(IngestJobState.CompletedWithErrors, finished.State);
        Assert.Equal(2, finished.Counts.Done);
        Assert.Equal(1, finished.Counts.Quarantined);
        Assert.Equal(1, finished.Counts.Added);
        Assert.NotNull(finished.FinishedAt);
        var quarantined = Assert.Single(await Store.ListQuarantineAsync(TenantA, 10, Ct));
        Assert.Equal("broken.pdf", quarantined.DocumentId);
        Assert.Equal(JobItemState.Quarantined, quarantined.State);
        Assert.Equal("The PDF is encrypted; remove the password and upload it again.", quarantined.Error);
        Assert.Equal(Time.GetUtcNow(), quarantined.UpdatedAt);
        Assert.Equal([quarantined], await Store.ListItemsAsync(TenantA, job.Id, JobItemState.Quarantined, 10, Ct));
    }

    [Fact]
    public async Task ListQuarantineAsync_SeveralJobs_NewestFirstWithinLimit()
    {
        foreach (var name in new[] { "first", "second", "third" })
        {
            var job = await Store.CreateJobAsync(NewJob(TenantA), [Item(name)], null, Ct);
            var leased = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
            await Store.QuarantineItemAsync(leased!.Item.Id, $"{name} is broken", Ct);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var newest = await Store.ListQuarantineAsync(TenantA, 2, Ct);

        Assert.Equal(["third", "second"], newest.Select(i => i.DocumentId));
    }

    [Fact]
    public async Task RetryItemAsync_TransientFailure_WaitsUntilDueThenRunsAgainWithTheErrorKept()
    {
        var job = await Store.CreateJobAsync(NewJob(TenantA), [Item("flaky", "body")], null, Ct);
        var first = await Store.LeaseNextAsync(Worker, Lease, null, Ct);

        await Store.RetryItemAsync(first!.Item.Id, "The embedding service timed out.", Time.GetUtcNow().AddSeconds(30), Ct);

        var waiting = await JobAsync(job);
        Assert.Equal(1, waiting.Counts.Retrying);
        Assert.Null(waiting.FinishedAt);
        var pending = Assert.Single(await Store.ListItemsAsync(TenantA, job.Id, JobItemState.Pending, 10, Ct));
        Assert.Equal(Time.GetUtcNow().AddSeconds(30), pending.NextAttemptAt);
        Assert.Equal("The embedding service timed out.", pending.Error);
        Assert.Equal(1, await Store.CountQueuedItemsAsync(TenantA, Ct));
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, null, Ct));
        Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct));
        Time.Advance(TimeSpan.FromSeconds(1));

        var second = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);

        Assert.NotNull(second);
        Assert.Equal(2, second.Item.Attempts);
        Assert.Equal("The embedding service timed out.", second.Item.Error);
        Assert.Equal("body"u8.ToArray(), second.Content!.Value.ToArray());
        Assert.Equal(0, (await JobAsync(job)).Counts.Retrying);
        await Store.CompleteItemAsync(second.Item.Id, JobItemOutcome.Added, 2, 0, Ct);
        var finished = await JobAsync(job);
        Assert.Equal(IngestJobState.Succeeded, finished.State);
        Assert.Equal(new JobCounts { Total = 1, Done = 1, Added = 1, Chunks = 2, Bytes = 4 }, finished.Counts);
    }

    [Fact]
    public async Task CompleteItemAsync_AfterTheLeaseWasLostAndTakenOver_CountsTheItemOnce()
    {
        var job = await Store.CreateJobAsync(NewJob(TenantA), [Item("slow"), Item("other")], null, Ct);
        var slow = await Store.LeaseNextAsync("worker-slow", Lease, job.Id, Ct);
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var takeover = await Store.LeaseNextAsync("worker-fast", Lease, job.Id, Ct);
        Assert.Equal(slow!.Item.Id, takeover!.Item.Id);

        await Store.CompleteItemAsync(takeover.Item.Id, JobItemOutcome.Added, 3, 0, Ct);
        await Store.CompleteItemAsync(slow.Item.Id, JobItemOutcome.Updated, 3, 0, Ct);
        await Store.CompleteItemAsync(takeover.Item.Id, JobItemOutcome.Added, 3, 0, Ct);
        await Store.RetryItemAsync(slow.Item.Id, "late failure", Time.GetUtcNow(), Ct);
        await Store.QuarantineItemAsync(slow.Item.Id, "late quarantine", Ct);

        var counts = (await JobAsync(job)).Counts;
        Assert.Equal(new JobCounts { Total = 2, Done = 1, Added = 1, Chunks = 3 }, counts);
        var item = (await Store.ListItemsAsync(TenantA, job.Id, null, 10, Ct))[0];
        Assert.Equal(JobItemState.Succeeded, item.State);
        Assert.Equal(JobItemOutcome.Added, item.Outcome);
        Assert.Null(item.Error);
        Assert.Empty(await Store.ListQuarantineAsync(TenantA, 10, Ct));
        Assert.Equal("other", (await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct))!.Item.DocumentId);
    }

    [Fact]
    public async Task CancelJobAsync_PendingAndRetryingItems_EndUnrunWhileTheRunningOneFinishes()
    {
        var job = await Store.CreateJobAsync(NewJob(TenantA), [Item("running"), Item("retrying"), Item("pending", "bytes")], null, Ct);
        var running = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        var retrying = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        await Store.RetryItemAsync(retrying!.Item.Id, "timeout", Time.GetUtcNow().AddSeconds(5), Ct);

        Assert.True(await Store.CancelJobAsync(TenantA, job.Id, Ct));

        var cancelled = await JobAsync(job);
        Assert.Equal(IngestJobState.Cancelled, cancelled.State);
        Assert.Equal(0, cancelled.Counts.Retrying);
        Assert.Null(cancelled.FinishedAt);
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, null, Ct));
        var ended = await Store.ListItemsAsync(TenantA, job.Id, JobItemState.Quarantined, 10, Ct);
        Assert.Equal(["retrying", "pending"], ended.Select(i => i.DocumentId));
        Assert.All(ended, i => Assert.Equal("cancelled", i.Error));
        Assert.Empty(await Store.ListQuarantineAsync(TenantA, 10, Ct));
        Assert.Equal(1, await Store.CountQueuedItemsAsync(TenantA, Ct));

        await Store.CompleteItemAsync(running!.Item.Id, JobItemOutcome.Added, 1, 0, Ct);

        var finished = await JobAsync(job);
        Assert.Equal(IngestJobState.Cancelled, finished.State);
        Assert.Equal(Time.GetUtcNow(), finished.FinishedAt);
        Assert.Equal(1, finished.Counts.Done);
        Assert.Equal(1, finished.Counts.Added);
        Assert.Equal(0, await Store.CountQueuedItemsAsync(null, Ct));
        Assert.Empty(await Store.ListUnfinishedJobsAsync(Ct));
        Assert.False(await Store.CancelJobAsync(TenantA, job.Id, Ct));
    }

    [Fact]
    public async Task RetryItemAsync_JobCancelledWhileTheItemRan_EndsTheItemInsteadOfRequeueingIt()
    {
        var job = await Store.CreateJobAsync(NewJob(TenantA), [Item("only")], null, Ct);
        var leased = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        Assert.True(await Store.CancelJobAsync(TenantA, job.Id, Ct));

        await Store.RetryItemAsync(leased!.Item.Id, "timeout", Time.GetUtcNow(), Ct);

        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, null, Ct));
        var finished = await JobAsync(job);
        Assert.Equal(IngestJobState.Cancelled, finished.State);
        Assert.NotNull(finished.FinishedAt);
        Assert.Equal(0, finished.Counts.Retrying);
        Assert.Equal(0, await Store.CountQueuedItemsAsync(null, Ct));
    }
}
