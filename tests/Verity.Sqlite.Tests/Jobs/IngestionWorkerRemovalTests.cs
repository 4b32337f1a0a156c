using Verity.Core.Connectors;
using Verity.Core.Jobs;
using Verity.Core.Model;

namespace Verity.Sqlite.Tests.Jobs;

/// <summary>Items that take documents out of the index: deletes, files gone before their item ran, and ids that
/// belong to another source (which a job must never touch).</summary>
public sealed class IngestionWorkerRemovalTests
{
    private const string OtherSource = "fs:/srv/other-team";

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task DrainAsync_DeleteItems_RemoveOwnDocumentsAndRefuseThoseOfAnotherSource()
    {
        using var h = await JobHarness.CreateAsync();
        const string TheirText = "The other team's runbook explains how the pager rotation works.";
        await h.DrainAsync((await h.EnqueueUploadsAsync(
        [
            JobHarness.TextItem("keep.txt", "This document stays: it describes the office opening hours."),
            JobHarness.TextItem("gone.txt", "This document goes: it describes the retired coffee machine."),
        ])).Id);
        await h.DrainAsync((await h.EnqueueUploadsAsync([JobHarness.TextItem("theirs.txt", TheirText)], OtherSource)).Id);

        var job = await h.EnqueueUploadsAsync(
        [
            new NewJobItem { DocumentId = "gone.txt", Action = JobItemAction.Delete },
            new NewJobItem { DocumentId = "theirs.txt", Action = JobItemAction.Delete },
            JobHarness.TextItem("theirs.txt", "An upload that would overwrite the other team's runbook."),
            new NewJobItem { DocumentId = "never-existed.txt", Action = JobItemAction.Delete },
        ]);
        var finished = await h.DrainAsync(job.Id);

        var items = await h.Jobs.ListItemsAsync(JobHarness.Tenant, job.Id, null, 10, Ct);
        Assert.Equal(
            [JobItemOutcome.Removed, null, null, JobItemOutcome.Unchanged],
            items.Select(i => i.Outcome));
        foreach (var refused in items.Where(i => i.DocumentId == "theirs.txt"))
        {
            Assert.Equal(JobItemState.Quarantined, refused.State);
            Assert.Equal(1, refused.Attempts);
            Assert.Contains("already belongs", refused.Error, StringComparison.Ordinal);
            Assert.Contains(OtherSource, refused.Error, StringComparison.Ordinal);
        }

        Assert.Null(await h.DocumentAsync("gone.txt"));
        Assert.Empty(await h.Index.SearchLexicalAsync("retired coffee machine", SearchFilter.ForTenant(JobHarness.Tenant), 10, Ct));
        Assert.NotNull(await h.DocumentAsync("keep.txt"));
        var theirs = (await h.DocumentAsync("theirs.txt"))!;
        Assert.Equal(OtherSource, theirs.Source);
        Assert.Equal(1, theirs.Version);
        Assert.Equal(TheirText, await h.Index.GetDocumentTextAsync(JobHarness.Tenant, "theirs.txt", Ct));
        Assert.Equal(1, h.Store.UpsertsOf("theirs.txt"));

        Assert.Equal(IngestJobState.CompletedWithErrors, finished.State);
        Assert.Equal(new JobCounts { Total = 4, Done = 4, Removed = 1, Unchanged = 1, Quarantined = 2 }, finished.Counts);
    }

    [Fact]
    public async Task RunAsync_UpsertsAndDeletesOfOneDocumentOnFourLanes_ApplyInEnqueueOrder()
    {
        var options = JobHarness.FastOptions();
        options.Concurrency = 4;
        using var h = await JobHarness.CreateAsync(options);
        using var stop = new CancellationTokenSource();
        var run = h.Worker.RunAsync(stop.Token);
        static NewJobItem Delete(string id) => new() { DocumentId = id, Action = JobItemAction.Delete };

        // Each document's items sit next to each other, so that free lanes would take them at the same moment.
        var revived = Enumerable.Range(0, 12).Select(i => $"revived-{i:D2}.txt").ToList();
        var removed = Enumerable.Range(0, 12).Select(i => $"removed-{i:D2}.txt").ToList();
        var items = revived.SelectMany(id => new[]
            {
                JobHarness.TextItem(id, $"First text of {id}, about harbour cranes."),
                Delete(id),
                JobHarness.TextItem(id, $"Final text of {id}, about signal towers."),
            })
            .Concat(removed.SelectMany(id => new[]
            {
                JobHarness.TextItem(id, $"First text of {id}, about canal locks."),
                JobHarness.TextItem(id, $"Second text of {id}, about river ferries."),
                Delete(id),
            }))
            .ToList();
        var job = await h.EnqueueUploadsAsync(items);
        var finished = await JobHarness.PollAsync(() => h.GetJobAsync(job.Id), j => j.FinishedAt is not null, TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(IngestJobState.Succeeded, finished.State);
        Assert.Equal(revived, (await h.DocumentsAsync()).Select(d => d.Id).Order(StringComparer.Ordinal));
        foreach (var id in revived)
        {
            Assert.Equal($"Final text of {id}, about signal towers.", await h.Index.GetDocumentTextAsync(JobHarness.Tenant, id, Ct));
        }

        Assert.Equal((items.Count, 0), (finished.Counts.Done, finished.Counts.Quarantined));
        Assert.Equal(revived.Count + removed.Count, finished.Counts.Removed);
    }

    [Fact]
    public async Task DrainAsync_FilesGoneBeforeTheirItemsRan_RemovesKnownDocumentAndSkipsUnknownOne()
    {
        using var h = await JobHarness.CreateAsync();
        var root = h.Temp.Combine("docs");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "changed.md"), "# Changed\n\nThe first version of the changing page.\n");
        File.WriteAllText(Path.Combine(root, "stays.md"), "# Stays\n\nA page nobody touches while the job waits.\n");
        var connector = new FolderConnector(root);
        var first = await h.Orchestration.SyncAsync(connector, JobHarness.Tenant, null, Ct);
        Assert.Equal(2, first.Added);

        File.WriteAllText(Path.Combine(root, "changed.md"), "# Changed\n\nThe second, longer version of the changing page.\n");
        File.WriteAllText(Path.Combine(root, "brief.md"), "# Brief\n\nA page that exists for a moment only.\n");
        var (job, scan) = await h.Orchestration.EnqueueScanAsync(connector, JobHarness.Tenant, null, null, Ct);
        Assert.Equal(["brief.md", "changed.md"], scan.Items.Select(i => i.DocumentId).Order(StringComparer.Ordinal));
        File.Delete(Path.Combine(root, "changed.md"));
        File.Delete(Path.Combine(root, "brief.md"));

        var finished = await h.DrainAsync(job.Id);

        var items = await h.ItemsByDocumentAsync(job.Id);
        Assert.Equal(JobItemOutcome.Removed, items["changed.md"].Outcome);
        Assert.Equal(JobItemOutcome.Unchanged, items["brief.md"].Outcome);
        Assert.Equal(IngestJobState.Succeeded, finished.State);
        Assert.Equal(["stays.md"], (await h.DocumentsAsync()).Select(d => d.Id));

        // The next sync agrees: nothing is left to add or remove.
        var next = await h.Orchestration.SyncAsync(connector, JobHarness.Tenant, null, Ct);
        Assert.Equal((0, 0, 1), (next.Added, next.Removed, next.Unchanged));
        Assert.Equal(0, (await h.GetJobAsync(next.JobId!)).Counts.Total);
    }

    [Fact]
    public async Task DrainAsync_SourceFolderNotVisibleToTheWorker_RetriesAndQuarantinesWithoutDeleting()
    {
        var options = JobHarness.FastOptions();
        options.MaxAttempts = 2;
        using var h = await JobHarness.CreateAsync(options);
        var root = h.Temp.Combine("mounted");
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "policy.md"), "# Policy\n\nVisitors sign in at the front desk.\n");
        var connector = new FolderConnector(root);
        Assert.Equal(1, (await h.Orchestration.SyncAsync(connector, JobHarness.Tenant, null, Ct)).Added);
        File.WriteAllText(Path.Combine(root, "policy.md"), "# Policy\n\nVisitors sign in at the front desk and wear a badge.\n");
        var (job, _) = await h.Orchestration.EnqueueScanAsync(connector, JobHarness.Tenant, null, null, Ct);

        // The worker that runs the item is on a machine where the folder is not mounted.
        Directory.Move(root, root + "-unmounted");
        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));
        var retrying = (await h.ItemsByDocumentAsync(job.Id))["policy.md"];
        Assert.Equal((JobItemState.Pending, 1), (retrying.State, retrying.Attempts));
        h.Clock.Advance(options.RetryMaxDelay);
        Assert.True(await h.Worker.ProcessNextAsync(job.Id, Ct));

        var item = (await h.ItemsByDocumentAsync(job.Id))["policy.md"];
        Assert.Equal((JobItemState.Quarantined, 2), (item.State, item.Attempts));
        Assert.Contains("not visible to this worker", item.Error, StringComparison.Ordinal);
        Assert.Equal(IngestJobState.CompletedWithErrors, (await h.GetJobAsync(job.Id)).State);
        Assert.Equal(["policy.md"], (await h.DocumentsAsync()).Select(d => d.Id));
    }
}
