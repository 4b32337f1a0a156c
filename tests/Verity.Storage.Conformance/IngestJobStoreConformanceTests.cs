using Verity.Core;
using Verity.Core.Jobs;

namespace Verity.Storage.Conformance;

/// <summary>
/// What every <see cref="IIngestJobStore"/> must do: record jobs atomically with their items and checkpoint, hand out
/// each item to one worker at a time, count every item's end exactly once, and keep tenants apart. A store's test
/// class derives from this suite and supplies <see cref="CreateStore"/>; every test gets its own empty storage and a
/// clock it moves by hand.
/// </summary>
public abstract partial class IngestJobStoreConformanceTests : IAsyncLifetime
{
    protected const string TenantA = "tenant-a";
    protected const string TenantB = "tenant-b";
    protected const string Worker = "worker-1";

    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private readonly List<IIngestJobStore> _stores = [];

    protected static CancellationToken Ct => CancellationToken.None;

    protected ManualTime Time { get; } = new(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero));

    protected IIngestJobStore Store { get; private set; } = null!;

    /// <summary>A new store instance over this test's storage (the same storage on every call) reading
    /// <paramref name="time"/> for "now".</summary>
    protected abstract IIngestJobStore CreateStore(TimeProvider time);

    public Task InitializeAsync()
    {
        Store = OpenStore();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            (store as IDisposable)?.Dispose();
        }

        _stores.Clear();
        return Task.CompletedTask;
    }

    protected IIngestJobStore OpenStore()
    {
        var store = CreateStore(Time);
        _stores.Add(store);
        return store;
    }

    // ---------------------------------------------------------------- creating and reading jobs

    [Fact]
    public async Task CreateJobAsync_ItemsAndCheckpoint_RecordsAllOfThemQueued()
    {
        NewJobItem[] items =
        [
            new() { DocumentId = "upload.md", Content = "# Upload"u8.ToArray(), Descriptor = """{"title":"Upload"}""" },
            new() { DocumentId = "disk.txt", Locator = "/srv/wiki/disk.txt" },
            new() { DocumentId = "gone.txt", Action = JobItemAction.Delete },
        ];
        var checkpoint = new ConnectorCheckpoint(TenantA, "fs:/srv/wiki", """{"files":3}""", Time.GetUtcNow());

        var job = await Store.CreateJobAsync(NewJob(TenantA, createdBy: "user:ann"), items, checkpoint, Ct);

        Assert.StartsWith("job_", job.Id, StringComparison.Ordinal);
        Assert.Equal(TenantA, job.TenantId);
        Assert.Equal("folder", job.Kind);
        Assert.Equal("fs:/srv/wiki", job.Source);
        Assert.Equal("user:ann", job.CreatedBy);
        Assert.Equal(IngestJobState.Queued, job.State);
        Assert.Equal(new JobCounts { Total = 3 }, job.Counts);
        Assert.Equal(Time.GetUtcNow(), job.CreatedAt);
        Assert.Null(job.StartedAt);
        Assert.Null(job.FinishedAt);
        Assert.Equal(job, await Store.GetJobAsync(TenantA, job.Id, Ct));

        var stored = await Store.ListItemsAsync(TenantA, job.Id, null, 10, Ct);
        Assert.Equal(["upload.md", "disk.txt", "gone.txt"], stored.Select(i => i.DocumentId));
        Assert.All(stored, i => Assert.Equal(JobItemState.Pending, i.State));
        Assert.All(stored, i => Assert.Equal(0, i.Attempts));
        Assert.All(stored, i => Assert.Equal(job.Id, i.JobId));
        Assert.Equal("""{"title":"Upload"}""", stored[0].Descriptor);
        Assert.Equal(8, stored[0].Bytes);
        Assert.Equal("/srv/wiki/disk.txt", stored[1].Locator);
        Assert.Equal("{}", stored[1].Descriptor);
        Assert.Equal([JobItemAction.Upsert, JobItemAction.Upsert, JobItemAction.Delete], stored.Select(i => i.Action));
        Assert.Equal(checkpoint, await Store.GetCheckpointAsync(TenantA, "fs:/srv/wiki", Ct));
        Assert.Equal(3, await Store.CountQueuedItemsAsync(TenantA, Ct));
    }

    [Fact]
    public async Task CreateJobAsync_FailsAfterSomeItems_StoresNeitherJobNorItemsNorCheckpoint()
    {
        NewJobItem[] items = [Item("a"), Item("b"), Item("c") with { Action = (JobItemAction)42 }];
        var checkpoint = new ConnectorCheckpoint(TenantA, "fs:/srv/wiki", "cursor-2", Time.GetUtcNow());

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.CreateJobAsync(NewJob(TenantA), items, checkpoint, Ct));

        Assert.Empty((await Store.ListJobsAsync(TenantA, 10, null, Ct)).Jobs);
        Assert.Null(await Store.GetCheckpointAsync(TenantA, "fs:/srv/wiki", Ct));
        Assert.Equal(0, await Store.CountQueuedItemsAsync(null, Ct));
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, null, Ct));
    }

    [Fact]
    public async Task CreateJobAsync_NoItems_IsSucceededAndFinishedAtOnce()
    {
        var checkpoint = new ConnectorCheckpoint(TenantA, "fs:/srv/wiki", "nothing changed", Time.GetUtcNow());

        var job = await Store.CreateJobAsync(NewJob(TenantA), [], checkpoint, Ct);

        Assert.Equal(IngestJobState.Succeeded, job.State);
        Assert.Equal(Time.GetUtcNow(), job.FinishedAt);
        Assert.Equal(0, job.Counts.Total);
        Assert.Empty(await Store.ListUnfinishedJobsAsync(Ct));
        Assert.Null(await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct));
        Assert.Equal("nothing changed", (await Store.GetCheckpointAsync(TenantA, "fs:/srv/wiki", Ct))!.Cursor);
        Assert.False(await Store.CancelJobAsync(TenantA, job.Id, Ct));
    }

    [Fact]
    public async Task CreateJobAsync_LaterScan_ReplacesTheConnectorsCheckpoint()
    {
        await Store.CreateJobAsync(NewJob(TenantA), [Item("a")], new ConnectorCheckpoint(TenantA, "fs:/srv/wiki", "first", Time.GetUtcNow()), Ct);
        Time.Advance(TimeSpan.FromMinutes(5));

        await Store.CreateJobAsync(NewJob(TenantA), [Item("b")], new ConnectorCheckpoint(TenantA, "fs:/srv/wiki", "second", Time.GetUtcNow()), Ct);
        await Store.CreateJobAsync(NewJob(TenantA), [Item("c")], null, Ct);

        var checkpoint = await Store.GetCheckpointAsync(TenantA, "fs:/srv/wiki", Ct);
        Assert.Equal("second", checkpoint!.Cursor);
        Assert.Equal(Time.GetUtcNow(), checkpoint.UpdatedAt);
        Assert.Null(await Store.GetCheckpointAsync(TenantB, "fs:/srv/wiki", Ct));
        Assert.Null(await Store.GetCheckpointAsync(TenantA, "web:https://example.test/", Ct));
    }

    [Fact]
    public async Task CreateJobAsync_TraceContext_KeptWithTheJobAndHandedOutWithEachLeasedItem()
    {
        var parent = $"00-{System.Diagnostics.ActivityTraceId.CreateRandom()}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01";
        const string state = "verity=t61rcWkgMzE,rojo=00f067aa0ba902b7";
        var traced = await Store.CreateJobAsync(NewJob(TenantA) with { TraceParent = parent, TraceState = state }, [Item("a"), Item("b")], null, Ct);
        var parentOnly = await Store.CreateJobAsync(NewJob(TenantA) with { TraceParent = parent }, [Item("c")], null, Ct);
        var untraced = await Store.CreateJobAsync(NewJob(TenantA), [Item("d")], null, Ct);

        Assert.Equal((parent, state), (traced.TraceParent, traced.TraceState));
        Assert.Equal(traced, await Store.GetJobAsync(TenantA, traced.Id, Ct));
        Assert.Equal((parent, (string?)null), (parentOnly.TraceParent, parentOnly.TraceState));
        Assert.Equal(((string?)null, (string?)null), (untraced.TraceParent, untraced.TraceState));
        var listed = (await Store.ListJobsAsync(TenantA, 10, null, Ct)).Jobs.ToDictionary(j => j.Id);
        Assert.Equal((parent, state), (listed[traced.Id].TraceParent, listed[traced.Id].TraceState));
        Assert.Null(listed[untraced.Id].TraceParent);
        Assert.Contains(await Store.ListUnfinishedJobsAsync(Ct), j => j.Id == traced.Id && j.TraceState == state);

        var first = await Store.LeaseNextAsync(Worker, Lease, traced.Id, Ct);
        var second = await Store.LeaseNextAsync(Worker, Lease, traced.Id, Ct);
        var third = await Store.LeaseNextAsync(Worker, Lease, parentOnly.Id, Ct);
        var fourth = await Store.LeaseNextAsync(Worker, Lease, untraced.Id, Ct);

        Assert.All([first!, second!], i => Assert.Equal((parent, state), (i.TraceParent, i.TraceState)));
        Assert.Equal((parent, (string?)null), (third!.TraceParent, third.TraceState));
        Assert.Equal(((string?)null, (string?)null), (fourth!.TraceParent, fourth.TraceState));
    }

    [Fact]
    public async Task ListJobsAsync_ManyJobs_PagesNewestFirst()
    {
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await Store.CreateJobAsync(NewJob(TenantA), [Item($"doc-{i}")], null, Ct)).Id);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await Store.CreateJobAsync(NewJob(TenantB), [Item("other")], null, Ct);

        var first = await Store.ListJobsAsync(TenantA, 2, null, Ct);
        var second = await Store.ListJobsAsync(TenantA, 2, first.Next, Ct);
        var third = await Store.ListJobsAsync(TenantA, 2, second.Next, Ct);

        created.Reverse();
        Assert.Equal(created, first.Jobs.Concat(second.Jobs).Concat(third.Jobs).Select(j => j.Id));
        Assert.NotNull(first.Next);
        Assert.NotNull(second.Next);
        Assert.Null(third.Next);
        await Assert.ThrowsAsync<InvalidRequestException>(() => Store.ListJobsAsync(TenantA, 0, null, Ct));
    }

    [Fact]
    public async Task ListUnfinishedJobsAsync_JobsOfAllTenants_ListsThoseWithItemsLeftOldestFirst()
    {
        var finished = await Store.CreateJobAsync(NewJob(TenantA), [Item("done")], null, Ct);
        await CompleteNextAsync(finished.Id, JobItemOutcome.Added);
        var a = await Store.CreateJobAsync(NewJob(TenantA), [Item("a")], null, Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        var b = await Store.CreateJobAsync(NewJob(TenantB), [Item("b")], null, Ct);
        await Store.LeaseNextAsync(Worker, Lease, b.Id, Ct);

        var unfinished = await Store.ListUnfinishedJobsAsync(Ct);

        Assert.Equal([a.Id, b.Id], unfinished.Select(j => j.Id));
        Assert.Equal([IngestJobState.Queued, IngestJobState.Running], unfinished.Select(j => j.State));
    }

    [Fact]
    public async Task PruneFinishedJobsAsync_OldAndNewJobs_DeletesOnlyFinishedJobsPastTheCutoffWithTheirItems()
    {
        var checkpoint = new ConnectorCheckpoint(TenantA, "fs:/srv/wiki", "kept", Time.GetUtcNow());
        var old = await Store.CreateJobAsync(NewJob(TenantA), [Item("old")], checkpoint, Ct);
        var oldFailed = await Store.LeaseNextAsync(Worker, Lease, old.Id, Ct);
        await Store.QuarantineItemAsync(oldFailed!.Item.Id, "broken", Ct);
        var oldUnfinished = await Store.CreateJobAsync(NewJob(TenantB), [Item("waiting")], null, Ct);
        Time.Advance(TimeSpan.FromDays(2));
        var cutoff = Time.GetUtcNow();
        Time.Advance(TimeSpan.FromDays(1));
        var recent = await Store.CreateJobAsync(NewJob(TenantA), [Item("recent")], null, Ct);
        await CompleteNextAsync(recent.Id, JobItemOutcome.Added);

        Assert.Equal(1, await Store.PruneFinishedJobsAsync(cutoff, Ct));

        Assert.Null(await Store.GetJobAsync(TenantA, old.Id, Ct));
        Assert.Empty(await Store.ListItemsAsync(TenantA, old.Id, null, 10, Ct));
        Assert.Empty(await Store.ListQuarantineAsync(TenantA, 10, Ct));
        Assert.NotNull(await Store.GetJobAsync(TenantB, oldUnfinished.Id, Ct));
        Assert.Single(await Store.ListItemsAsync(TenantB, oldUnfinished.Id, null, 10, Ct));
        Assert.Equal(IngestJobState.Succeeded, (await Store.GetJobAsync(TenantA, recent.Id, Ct))!.State);
        Assert.Equal("kept", (await Store.GetCheckpointAsync(TenantA, "fs:/srv/wiki", Ct))!.Cursor);
        Assert.Equal(0, await Store.PruneFinishedJobsAsync(cutoff, Ct));
    }

    // ---------------------------------------------------------------- tenants

    [Fact]
    public async Task Reads_OtherTenantsJob_AreInvisibleAndCannotBeCancelled()
    {
        var job = await Store.CreateJobAsync(NewJob(TenantA), [Item("secret"), Item("other")], null, Ct);
        var leased = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        await Store.QuarantineItemAsync(leased!.Item.Id, "The file is encrypted.", Ct);

        Assert.Null(await Store.GetJobAsync(TenantB, job.Id, Ct));
        Assert.Empty((await Store.ListJobsAsync(TenantB, 10, null, Ct)).Jobs);
        Assert.Empty(await Store.ListItemsAsync(TenantB, job.Id, null, 10, Ct));
        Assert.Empty(await Store.ListQuarantineAsync(TenantB, 10, Ct));
        Assert.Equal(0, await Store.CountQueuedItemsAsync(TenantB, Ct));
        Assert.False(await Store.CancelJobAsync(TenantB, job.Id, Ct));

        Assert.Equal(IngestJobState.Running, (await Store.GetJobAsync(TenantA, job.Id, Ct))!.State);
        Assert.Equal("The file is encrypted.", Assert.Single(await Store.ListQuarantineAsync(TenantA, 10, Ct)).Error);
        Assert.Equal(1, await Store.CountQueuedItemsAsync(TenantA, Ct));
        Assert.Equal(1, await Store.CountQueuedItemsAsync(null, Ct));
    }

    [Fact]
    public async Task CountQueuedItemsAsync_ItemsMoveThroughTheirStates_CountsPendingAndRunningOnly()
    {
        var a = await Store.CreateJobAsync(NewJob(TenantA), [Item("a1"), Item("a2"), Item("a3")], null, Ct);
        await Store.CreateJobAsync(NewJob(TenantB), [Item("b1"), Item("b2")], null, Ct);
        Assert.Equal(5, await Store.CountQueuedItemsAsync(null, Ct));

        var running = await Store.LeaseNextAsync(Worker, Lease, a.Id, Ct);
        Assert.Equal(5, await Store.CountQueuedItemsAsync(null, Ct));
        Assert.Equal(3, await Store.CountQueuedItemsAsync(TenantA, Ct));

        await Store.CompleteItemAsync(running!.Item.Id, JobItemOutcome.Added, 1, 0, Ct);
        var failed = await Store.LeaseNextAsync(Worker, Lease, a.Id, Ct);
        await Store.QuarantineItemAsync(failed!.Item.Id, "broken", Ct);
        var retried = await Store.LeaseNextAsync(Worker, Lease, a.Id, Ct);
        await Store.RetryItemAsync(retried!.Item.Id, "timeout", Time.GetUtcNow().AddMinutes(1), Ct);

        Assert.Equal(1, await Store.CountQueuedItemsAsync(TenantA, Ct));
        Assert.Equal(2, await Store.CountQueuedItemsAsync(TenantB, Ct));
        Assert.Equal(3, await Store.CountQueuedItemsAsync(null, Ct));
    }

    [Fact]
    public async Task CompleteItemAsync_BytesReadFromLocatorOrCarried_CountedInTheJob()
    {
        var job = await Store.CreateJobAsync(
            NewJob(TenantA), [Item("read.pdf") with { Locator = "/srv/wiki/read.pdf" }, Item("carried.md", "twelve bytes")], null, Ct);

        var read = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        await Store.CompleteItemAsync(read!.Item.Id, JobItemOutcome.Added, 3, 5000, Ct);
        var carried = await Store.LeaseNextAsync(Worker, Lease, job.Id, Ct);
        await Store.CompleteItemAsync(carried!.Item.Id, JobItemOutcome.Added, 1, 0, Ct);

        var counts = (await JobAsync(job)).Counts;
        Assert.Equal(5000 + 12, counts.Bytes);
        Assert.Equal(4, counts.Chunks);
    }

    // ---------------------------------------------------------------- helpers

    protected static NewIngestJob NewJob(string tenant, string kind = "folder", string source = "fs:/srv/wiki", string? createdBy = null) =>
        new() { TenantId = tenant, Kind = kind, Source = source, CreatedBy = createdBy };

    protected static NewJobItem Item(string documentId, string? content = null) => new()
    {
        DocumentId = documentId,
        // The cast matters: a bare null would convert through byte[] into an empty, non-null memory.
        Content = content is null ? (ReadOnlyMemory<byte>?)null : System.Text.Encoding.UTF8.GetBytes(content),
    };

    protected async Task<LeasedItem> CompleteNextAsync(string jobId, JobItemOutcome outcome, int chunks = 1)
    {
        var leased = await Store.LeaseNextAsync(Worker, Lease, jobId, Ct);
        Assert.NotNull(leased);
        await Store.CompleteItemAsync(leased.Item.Id, outcome, chunks, 0, Ct);
        return leased;
    }

    protected async Task<IngestJob> JobAsync(IngestJob job) => (await Store.GetJobAsync(job.TenantId, job.Id, Ct))!;

    /// <summary>A clock that stands still until the test moves it.</summary>
    protected sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
