namespace Verity.Core.Jobs;

/// <summary>
/// The durable job table. A job and all its items are written in one transaction before anything runs; workers
/// lease items one at a time (a lease that runs out because its worker died hands the item out again), and an
/// item's end is recorded after its document write has committed. Document writes are idempotent, so an item run
/// twice after a crash leaves the index exactly as one run would.
/// </summary>
public interface IIngestJobStore
{
    /// <summary>Records the job, its items and (when given) the connector's new checkpoint, atomically: the
    /// checkpoint never runs ahead of the work it promises.</summary>
    Task<IngestJob> CreateJobAsync(
        NewIngestJob job, IReadOnlyList<NewJobItem> items, ConnectorCheckpoint? checkpoint, CancellationToken cancellationToken);

    Task<IngestJob?> GetJobAsync(string tenantId, string jobId, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IngestJobPage> ListJobsAsync(string tenantId, int limit, string? after, CancellationToken cancellationToken);

    /// <summary>Jobs of any tenant that have items not yet ended (what a restarted process resumes).</summary>
    Task<IReadOnlyList<IngestJob>> ListUnfinishedJobsAsync(CancellationToken cancellationToken);

    /// <summary>The job's items, in the order they were enqueued; optionally only those in <paramref name="state"/>.</summary>
    Task<IReadOnlyList<JobItem>> ListItemsAsync(
        string tenantId, string jobId, JobItemState? state, int limit, CancellationToken cancellationToken);

    /// <summary>Quarantined items of the tenant, newest first.</summary>
    Task<IReadOnlyList<JobItem>> ListQuarantineAsync(string tenantId, int limit, CancellationToken cancellationToken);

    /// <summary>Leases the oldest due item: pending with no retry time or a past one, or running with an expired
    /// lease. Counts the attempt. An item waits while an earlier item of the same document (in any job) has not
    /// ended, so updates and deletes of one document apply in the order they were enqueued. Null when nothing is
    /// due. <paramref name="jobId"/> restricts to one job.</summary>
    Task<LeasedItem?> LeaseNextAsync(
        string workerId, TimeSpan lease, string? jobId, CancellationToken cancellationToken);

    /// <summary>Ends the item as succeeded. <paramref name="bytesRead"/> is the size of content read from the item's
    /// locator (content carried by the item counts by itself).</summary>
    Task CompleteItemAsync(long itemId, JobItemOutcome outcome, int chunks, long bytesRead, CancellationToken cancellationToken);

    /// <summary>Puts the item back to pending, due at <paramref name="nextAttemptAt"/>, with the error kept.</summary>
    Task RetryItemAsync(long itemId, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken);

    Task QuarantineItemAsync(long itemId, string reason, CancellationToken cancellationToken);

    /// <summary>Ends the job's pending items (they will not run); true when the job existed and was unfinished.</summary>
    Task<bool> CancelJobAsync(string tenantId, string jobId, CancellationToken cancellationToken);

    /// <summary>Items pending or running across all jobs (of one tenant when given): the queue depth that
    /// back-pressure is measured against.</summary>
    Task<int> CountQueuedItemsAsync(string? tenantId, CancellationToken cancellationToken);

    /// <summary>Deletes jobs (with their items) that finished before <paramref name="finishedBefore"/>; unfinished
    /// jobs and checkpoints are kept. Returns how many jobs were deleted.</summary>
    Task<int> PruneFinishedJobsAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken);

    /// <summary>The heartbeat of a running item: moves its lease to <paramref name="leaseUntil"/> if
    /// <paramref name="owner"/> still holds it unexpired. False when it does not (the item ended, its job was
    /// cancelled, its lease was released or ran out and may be taken over): the owner must stop working on it.</summary>
    Task<bool> ExtendLeaseAsync(long itemId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>The workers that hold leases on running items now.</summary>
    Task<IReadOnlyList<string>> ListLeaseOwnersAsync(CancellationToken cancellationToken);

    /// <summary>Makes the running items leased by <paramref name="owner"/> due again at once (the owner is known to
    /// be dead, so waiting for its leases to run out would only delay the work); returns how many.</summary>
    Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken);

    Task<ConnectorCheckpoint?> GetCheckpointAsync(string tenantId, string connectorId, CancellationToken cancellationToken);
}

/// <summary>Where a connector got to: an opaque cursor it wrote itself (e.g. ETags of crawled pages).</summary>
public sealed record ConnectorCheckpoint(string TenantId, string ConnectorId, string Cursor, DateTimeOffset UpdatedAt);
