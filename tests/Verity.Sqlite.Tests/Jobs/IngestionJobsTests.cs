using Verity.Core.Chunking;
using Verity.Core.Connectors;
using Verity.Core.Jobs;

namespace Verity.Sqlite.Tests.Jobs;

/// <summary>Job orchestration on a real SQLite index and job store: back-pressure, checkpoints, and a sync that
/// first finishes the job an earlier run left unfinished.</summary>
public sealed class IngestionJobsTests
{
    private static CancellationToken Ct => CancellationToken.None;

    // ---------------------------------------------------------------- back-pressure

    [Fact]
    public async Task EnqueueAsync_QueueWouldExceedLimit_ThrowsQueueFullUntilDrained()
    {
        var options = JobHarness.FastOptions();
        options.MaxQueuedItems = 3;
        using var h = await JobHarness.CreateAsync(options);
        var first = await h.EnqueueUploadsAsync([Item(0), Item(1)]);
        var second = await h.EnqueueUploadsAsync([Item(2)]);

        var refused = await Assert.ThrowsAsync<QueueFullException>(() => h.EnqueueUploadsAsync([Item(3)]));

        Assert.True(refused.IsTransient);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
        Assert.Equal(3, await h.Jobs.CountQueuedItemsAsync(null, Ct));
        Assert.Equal(2, (await h.Jobs.ListJobsAsync(JobHarness.Tenant, 10, null, Ct)).Jobs.Count);

        await h.DrainAsync(first.Id);
        await h.DrainAsync(second.Id);
        var accepted = await h.EnqueueUploadsAsync([Item(3), Item(4), Item(5)]);

        Assert.Equal(3, (await h.DrainAsync(accepted.Id)).Counts.Added);
        Assert.Equal(6, (await h.DocumentsAsync()).Count);
    }

    [Fact]
    public async Task EnqueueScanAsync_QueueOverLimit_ThrowsQueueFullUntilDrained()
    {
        var options = JobHarness.FastOptions();
        options.MaxQueuedItems = 3;
        using var h = await JobHarness.CreateAsync(options);
        var root = WriteFolder(h, 2);
        // An empty queue takes a batch of any size: refusing it would refuse it for ever.
        var big = await h.EnqueueUploadsAsync([.. Enumerable.Range(0, 5).Select(Item)]);

        await Assert.ThrowsAsync<QueueFullException>(
            () => h.Orchestration.EnqueueScanAsync(new FolderConnector(root), JobHarness.Tenant, null, null, Ct));
        await Assert.ThrowsAsync<QueueFullException>(() => h.EnqueueUploadsAsync([Item(5)]));

        await h.DrainAsync(big.Id);
        var summary = await h.Orchestration.SyncAsync(new FolderConnector(root), JobHarness.Tenant, null, Ct);

        Assert.Equal(2, summary.Added);
    }

    [Fact]
    public async Task EnqueueScanAsync_QueueExactlyAtLimit_ThrowsQueueFull()
    {
        // MaxQueuedItems: "new work is refused while this many items wait"; a scan is new work of unknown size.
        var options = JobHarness.FastOptions();
        options.MaxQueuedItems = 3;
        using var h = await JobHarness.CreateAsync(options);
        var root = WriteFolder(h, 2);
        await h.EnqueueUploadsAsync([Item(0), Item(1), Item(2)]);

        await Assert.ThrowsAsync<QueueFullException>(
            () => h.Orchestration.EnqueueScanAsync(new FolderConnector(root), JobHarness.Tenant, null, null, Ct));
    }

    // ---------------------------------------------------------------- checkpoints

    [Fact]
    public async Task SyncAsync_NothingChanged_UsesCheckpointAndEnqueuesNothing()
    {
        using var h = await JobHarness.CreateAsync();
        var connector = new RecordingConnector(new FolderConnector(WriteFolder(h, 4)));
        var first = await h.Orchestration.SyncAsync(connector, JobHarness.Tenant, null, Ct);
        var writes = h.Store.Upserts.Values.Sum();

        var second = await h.Orchestration.SyncAsync(connector, JobHarness.Tenant, null, Ct);

        Assert.Equal(4, first.Added);
        Assert.Null(connector.Contexts[0].Checkpoint);
        Assert.NotNull(connector.Contexts[1].Checkpoint);
        Assert.Equal((0, 0, 4), (second.Added, second.Updated, second.Unchanged));
        var job = await h.GetJobAsync(second.JobId!);
        Assert.Equal(IngestJobState.Succeeded, job.State);
        Assert.Equal(new JobCounts(), job.Counts);
        Assert.Equal(writes, h.Store.Upserts.Values.Sum());
    }

    [Fact]
    public async Task SyncAsync_ChunkingChanged_IgnoresCheckpointAndRechunksEveryDocument()
    {
        using var h = await JobHarness.CreateAsync();
        var connector = new RecordingConnector(new FolderConnector(WriteFolder(h, 3, longDocument: true)));
        await h.Orchestration.SyncAsync(connector, JobHarness.Tenant, null, Ct);
        var before = (await h.DocumentAsync("long.md"))!;
        var smaller = new ChunkingOptions { MaxTokens = 64, OverlapTokens = 8 };
        var service = h.CreateService(smaller);
        var rechunking = h.CreateOrchestration(service, h.CreateWorker(h.Worker.Options, service));

        var summary = await rechunking.SyncAsync(connector, JobHarness.Tenant, null, Ct);

        Assert.Null(connector.Contexts[1].Checkpoint);
        Assert.Equal((4, 0, 0), (summary.Updated, summary.Added, summary.Unchanged));
        var job = await h.GetJobAsync(summary.JobId!);
        Assert.Equal(4, job.Counts.Total);
        var documents = await h.DocumentsAsync();
        Assert.Equal(4, documents.Count);
        Assert.All(documents, d => Assert.Equal((smaller.Version, 2L), (d.ChunkerVersion, d.Version)));
        Assert.NotEqual(before.ChunkerVersion, smaller.Version);
        Assert.True((await h.DocumentAsync("long.md"))!.ChunkCount > before.ChunkCount);

        var again = await rechunking.SyncAsync(connector, JobHarness.Tenant, null, Ct);

        Assert.NotNull(connector.Contexts[2].Checkpoint);
        Assert.Equal(0, (await h.GetJobAsync(again.JobId!)).Counts.Total);
        Assert.Equal(4, again.Unchanged);
    }

    // ---------------------------------------------------------------- helpers

    private static NewJobItem Item(int i) =>
        JobHarness.TextItem($"upload-{i}.txt", $"Upload number {i} records the rainfall of week {i} at the weather station.");

    /// <summary>A folder of <paramref name="count"/> small Markdown pages (and one long one when asked), beside
    /// the harness's database.</summary>
    internal static string WriteFolder(JobHarness h, int count, bool longDocument = false)
    {
        var root = h.Temp.Combine("docs");
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        for (var i = 0; i < count; i++)
        {
            var folder = i % 2 == 0 ? root : Path.Combine(root, "sub");
            File.WriteAllText(Path.Combine(folder, $"page-{i}.md"), $"# Page {i}\n\nPage {i} explains how lighthouse {i} signals ships at night.\n");
        }

        if (longDocument)
        {
            File.WriteAllText(Path.Combine(root, "long.md"), "# Long\n\n" + string.Join("\n\n", Enumerable.Range(0, 30).Select(i =>
                $"Paragraph {i} describes how the observatory calibrates telescope mirror segment {i} before each night.")));
        }

        return root;
    }

    /// <summary>A connector that remembers what each scan was offered (the checkpoint above all).</summary>
    private sealed class RecordingConnector(ISourceConnector inner) : ISourceConnector
    {
        public List<ScanContext> Contexts { get; } = [];

        public string Id => inner.Id;

        public string Kind => inner.Kind;

        public Task<SourceScan> ScanAsync(ScanContext context, CancellationToken cancellationToken)
        {
            Contexts.Add(context);
            return inner.ScanAsync(context, cancellationToken);
        }
    }
}
