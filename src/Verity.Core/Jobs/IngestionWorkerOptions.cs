using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Jobs;

/// <summary>How the ingestion worker runs jobs (<c>Verity:Worker</c>).</summary>
public sealed class IngestionWorkerOptions
{
    /// <summary>Items processed at once. Parsing and embedding run in parallel; the store serialises the writes.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 2;

    /// <summary>Attempts an item gets before it is quarantined (a transient failure or an abandoned lease counts).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before the first retry; doubled on each further attempt, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a worker holds an item; a worker that dies gives it up when this runs out. Must exceed the
    /// time a worker can go without reaching the job store (heartbeats renew it while an item runs).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How often a worker renews the lease of the item it is running (null: a third of <see cref="Lease"/>),
    /// so a slow item keeps its lease while its worker lives, and a dead worker's lease still runs out.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>How often an idle worker looks for due items (it is also woken when a job is enqueued).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Back-pressure: new work is refused (503 with Retry-After) while this many items wait.</summary>
    [Range(1, int.MaxValue)]
    public int MaxQueuedItems { get; set; } = 50_000;

    /// <summary>Finished jobs older than this are deleted with their items (checked at start and hourly while the
    /// worker runs); null keeps them forever.</summary>
    public TimeSpan? RetainFinishedJobs { get; set; } = TimeSpan.FromDays(30);

    /// <summary>When false the server does not run a worker (another process, e.g. <c>verity worker</c>, does).</summary>
    public bool Enabled { get; set; } = true;
}
