using System.Collections.Concurrent;
using Verity.Core.Jobs;

namespace Verity.Postgres.Tests.Jobs;

/// <summary>
/// What a fleet of workers did with the queue, as seen from outside the store: every lease granted (its attempt
/// number orders the grants of one item as the database made them) and every end a worker started. From it the test
/// proves that no item was handed out while another worker's lease on it was live, and counts the takeovers.
/// </summary>
internal sealed class LeaseLedger
{
    private readonly ConcurrentQueue<Grant> _grants = new();
    private readonly ConcurrentQueue<End> _ends = new();
    private readonly ConcurrentDictionary<int, DateTimeOffset> _kills = new();
    private readonly ConcurrentDictionary<(long ItemId, int Attempt), DateTimeOffset> _extended = new();

    public static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    public int Grants => _grants.Count;

    public int Kills => _kills.Count;

    public int EndsStarted => _ends.Count;

    public void Granted(int worker, LeasedItem leased, TimeSpan lease) =>
        _grants.Enqueue(new Grant(leased.Item.Id, leased.Item.TenantId, leased.Item.DocumentId, leased.Item.Attempts, worker,
            leased.LeaseUntil - lease, leased.LeaseUntil, Now));

    public void Ending(int worker, long itemId, int attempt, string kind) => _ends.Enqueue(new End(itemId, attempt, worker, kind, Now));

    public void Killed(int worker) => _kills[worker] = Now;

    /// <summary>A heartbeat moved the lease of the attempt to <paramref name="until"/>.</summary>
    public void Extended(long itemId, int attempt, DateTimeOffset until) =>
        _extended.AddOrUpdate((itemId, attempt), until, (_, known) => until > known ? until : known);

    /// <summary>Checks every pair of successive grants of an item and of successive items of a document.</summary>
    public Findings Analyse()
    {
        var ends = _ends.ToLookup(e => (e.ItemId, e.Attempt));
        var violations = new List<string>();
        var takeovers = 0;
        var liveTakeovers = 0;
        var grantsByItem = _grants.GroupBy(g => g.ItemId).ToDictionary(g => g.Key, g => g.OrderBy(x => x.Attempt).ToList());
        foreach (var (item, grants) in grantsByItem)
        {
            for (var i = 1; i < grants.Count; i++)
            {
                var (before, after) = (grants[i - 1], grants[i]);
                var ended = ends[(item, before.Attempt)].Any(e => e.At <= after.ReturnedAt);
                if (ended)
                {
                    continue;
                }

                // Not ended: the only legal reason to hand the item out again is that the lease had run out.
                takeovers++;
                var heldUntil = _extended.TryGetValue((item, before.Attempt), out var extended) && extended > before.Until ? extended : before.Until;
                if (after.StoreNow < heldUntil)
                {
                    violations.Add($"item {item} attempt {after.Attempt} granted to worker {after.Worker} at {after.StoreNow:O} while " +
                        $"worker {before.Worker} held attempt {before.Attempt} until {heldUntil:O}");
                }

                if (!_kills.TryGetValue(before.Worker, out var killed) || killed > after.ReturnedAt)
                {
                    liveTakeovers++;
                }
            }
        }

        // One document: the next item's first grant comes after the previous item's final end began.
        foreach (var document in grantsByItem.Values.GroupBy(g => (g[0].Tenant, g[0].Document)))
        {
            var items = document.OrderBy(g => g[0].ItemId).ToList();
            for (var i = 1; i < items.Count; i++)
            {
                var last = items[i - 1][^1];
                var finalEnd = ends[(last.ItemId, last.Attempt)].Select(e => (DateTimeOffset?)e.At).Min();
                if (finalEnd is null || items[i][0].ReturnedAt < finalEnd)
                {
                    violations.Add($"{document.Key}: item {items[i][0].ItemId} was granted before item {last.ItemId} ended");
                }
            }
        }

        return new Findings(violations, takeovers, liveTakeovers, _grants.Count, _ends.Count);
    }

    private sealed record Grant(
        long ItemId, string Tenant, string Document, int Attempt, int Worker, DateTimeOffset StoreNow, DateTimeOffset Until, DateTimeOffset ReturnedAt);

    private sealed record End(long ItemId, int Attempt, int Worker, string Kind, DateTimeOffset At);

    public sealed record Findings(IReadOnlyList<string> Violations, int Takeovers, int LiveTakeovers, int Grants, int Ends);
}

/// <summary>A worker process's view of the queue: records its leases and ends in the ledger, and once the process is
/// killed starts nothing more (a dead process sends no statements).</summary>
internal sealed class RecordingJobStore(IIngestJobStore inner, LeaseLedger ledger, int worker, TimeSpan lease) : IIngestJobStore
{
    private readonly ConcurrentDictionary<long, int> _attempts = new();
    private volatile bool _dead;

    public void Kill() => _dead = true;

    public async Task<LeasedItem?> LeaseNextAsync(string workerId, TimeSpan leaseFor, string? jobId, CancellationToken cancellationToken)
    {
        Alive();
        var leased = await inner.LeaseNextAsync(workerId, leaseFor, jobId, cancellationToken);
        if (leased is not null)
        {
            // Recorded even when the process died meanwhile: the database granted the lease all the same.
            _attempts[leased.Item.Id] = leased.Item.Attempts;
            ledger.Granted(worker, leased, lease);
        }

        return leased;
    }

    public async Task<bool> ExtendLeaseAsync(long itemId, string owner, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        Alive();
        var held = await inner.ExtendLeaseAsync(itemId, owner, leaseUntil, cancellationToken);
        if (held)
        {
            ledger.Extended(itemId, _attempts.GetValueOrDefault(itemId), leaseUntil);
        }

        return held;
    }

    public Task CompleteItemAsync(long itemId, JobItemOutcome outcome, int chunks, long bytesRead, CancellationToken cancellationToken)
    {
        Ending(itemId, "complete");
        return inner.CompleteItemAsync(itemId, outcome, chunks, bytesRead, cancellationToken);
    }

    public Task RetryItemAsync(long itemId, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        Ending(itemId, "retry");
        return inner.RetryItemAsync(itemId, error, nextAttemptAt, cancellationToken);
    }

    public Task QuarantineItemAsync(long itemId, string reason, CancellationToken cancellationToken)
    {
        Ending(itemId, "quarantine");
        return inner.QuarantineItemAsync(itemId, reason, cancellationToken);
    }

    public Task<IngestJob> CreateJobAsync(NewIngestJob job, IReadOnlyList<NewJobItem> items, ConnectorCheckpoint? checkpoint, CancellationToken cancellationToken) =>
        Alive(() => inner.CreateJobAsync(job, items, checkpoint, cancellationToken));

    public Task<IngestJob?> GetJobAsync(string tenantId, string jobId, CancellationToken cancellationToken) =>
        Alive(() => inner.GetJobAsync(tenantId, jobId, cancellationToken));

    public Task<IngestJobPage> ListJobsAsync(string tenantId, int limit, string? after, CancellationToken cancellationToken) =>
        Alive(() => inner.ListJobsAsync(tenantId, limit, after, cancellationToken));

    public Task<IReadOnlyList<IngestJob>> ListUnfinishedJobsAsync(CancellationToken cancellationToken) =>
        Alive(() => inner.ListUnfinishedJobsAsync(cancellationToken));

    public Task<IReadOnlyList<JobItem>> ListItemsAsync(string tenantId, string jobId, JobItemState? state, int limit, CancellationToken cancellationToken) =>
        Alive(() => inner.ListItemsAsync(tenantId, jobId, state, limit, cancellationToken));

    public Task<IReadOnlyList<JobItem>> ListQuarantineAsync(string tenantId, int limit, CancellationToken cancellationToken) =>
        Alive(() => inner.ListQuarantineAsync(tenantId, limit, cancellationToken));

    public Task<bool> CancelJobAsync(string tenantId, string jobId, CancellationToken cancellationToken) =>
        Alive(() => inner.CancelJobAsync(tenantId, jobId, cancellationToken));

    public Task<int> CountQueuedItemsAsync(string? tenantId, CancellationToken cancellationToken) =>
        Alive(() => inner.CountQueuedItemsAsync(tenantId, cancellationToken));

    public Task<int> PruneFinishedJobsAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken) =>
        Alive(() => inner.PruneFinishedJobsAsync(finishedBefore, cancellationToken));

    public Task<IReadOnlyList<string>> ListLeaseOwnersAsync(CancellationToken cancellationToken) =>
        Alive(() => inner.ListLeaseOwnersAsync(cancellationToken));

    public Task<int> ReleaseLeasesAsync(string owner, CancellationToken cancellationToken) =>
        Alive(() => inner.ReleaseLeasesAsync(owner, cancellationToken));

    public Task<ConnectorCheckpoint?> GetCheckpointAsync(string tenantId, string connectorId, CancellationToken cancellationToken) =>
        Alive(() => inner.GetCheckpointAsync(tenantId, connectorId, cancellationToken));

    private void Ending(long itemId, string kind)
    {
        Alive();
        ledger.Ending(worker, itemId, _attempts.GetValueOrDefault(itemId), kind);
    }

    private void Alive() => ObjectDisposedException.ThrowIf(_dead, this);

    private T Alive<T>(Func<T> call)
    {
        Alive();
        return call();
    }
}
