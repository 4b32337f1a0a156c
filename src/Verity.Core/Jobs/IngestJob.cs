namespace Verity.Core.Jobs;

/// <summary>One unit of ingestion work a caller asked for (an upload, a folder sync, a crawl), recorded in the store
/// before any of it runs, so that it survives a crash and can be watched while it runs.</summary>
public sealed record IngestJob
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }

    /// <summary><c>upload</c>, <c>folder</c>, <c>crawl</c> or <c>documents</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The source the job's documents belong to (<c>fs:/srv/wiki</c>, <c>web:https://host/</c>, <c>api</c>).</summary>
    public required string Source { get; init; }

    public string? CreatedBy { get; init; }
    public required IngestJobState State { get; init; }
    public required JobCounts Counts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the span that enqueued the job (for a job queued over HTTP, within the
    /// request's trace); the spans of the job's items link to it. Null when nothing was traced.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> that came with <see cref="TraceParent"/>, when there was one.</summary>
    public string? TraceState { get; init; }
}

public enum IngestJobState
{
    Queued,
    Running,

    /// <summary>Every item succeeded.</summary>
    Succeeded,

    /// <summary>Every item ended, some of them in quarantine.</summary>
    CompletedWithErrors,

    Cancelled,
}

/// <summary>How far a job got. <see cref="Done"/> counts items that ended either way (succeeded or quarantined).</summary>
public sealed record JobCounts
{
    public int Total { get; init; }
    public int Done { get; init; }
    public int Added { get; init; }
    public int Updated { get; init; }
    public int Unchanged { get; init; }

    /// <summary>Writes refused because the index already held a newer version of the document.</summary>
    public int Stale { get; init; }
    public int Removed { get; init; }
    public int Quarantined { get; init; }

    /// <summary>Items waiting for another attempt after a transient failure.</summary>
    public int Retrying { get; init; }
    public int Chunks { get; init; }
    public long Bytes { get; init; }
}

public enum JobItemAction
{
    /// <summary>Ingest the content (carried, or read from <see cref="JobItem.Locator"/>).</summary>
    Upsert,

    /// <summary>The source no longer has the document: remove it from the index.</summary>
    Delete,
}

public enum JobItemState
{
    Pending,
    Running,
    Succeeded,
    Quarantined,
}

public enum JobItemOutcome
{
    Added,
    Updated,
    Unchanged,
    Stale,
    Removed,
}

/// <summary>An item to enqueue. <see cref="Content"/> is kept in the store with the item (uploads, fetched pages);
/// when it is absent the worker reads <see cref="Locator"/> (a file path) when the item runs.</summary>
public sealed record NewJobItem
{
    public required string DocumentId { get; init; }
    public JobItemAction Action { get; init; } = JobItemAction.Upsert;
    public string? Locator { get; init; }
    public ReadOnlyMemory<byte>? Content { get; init; }

    /// <summary>The rest of the document's input (title, media type, metadata, ACL, version, …) as
    /// <see cref="JobItemDescriptor"/> JSON.</summary>
    public string Descriptor { get; init; } = "{}";
}

/// <summary>An item as stored, with its progress.</summary>
public sealed record JobItem
{
    public required long Id { get; init; }
    public required string JobId { get; init; }
    public required string TenantId { get; init; }
    public required string DocumentId { get; init; }
    public required JobItemAction Action { get; init; }
    public string? Locator { get; init; }
    public string Descriptor { get; init; } = "{}";
    public required JobItemState State { get; init; }
    public JobItemOutcome? Outcome { get; init; }

    /// <summary>Attempts started so far, including the one running now.</summary>
    public int Attempts { get; init; }

    /// <summary>Why the last attempt failed; for a quarantined item, why it was quarantined.</summary>
    public string? Error { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public long Bytes { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>An item a worker holds until <see cref="LeaseUntil"/>: if the worker dies, the lease runs out and the
/// item is handed out again. The job's source is carried along because processing needs it.</summary>
public sealed record LeasedItem(JobItem Item, string Source, string Kind, ReadOnlyMemory<byte>? Content, DateTimeOffset LeaseUntil)
{
    /// <summary>The job's <see cref="IngestJob.TraceParent"/>.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The job's <see cref="IngestJob.TraceState"/>.</summary>
    public string? TraceState { get; init; }
}

public sealed record NewIngestJob
{
    public required string TenantId { get; init; }
    public required string Kind { get; init; }
    public required string Source { get; init; }
    public string? CreatedBy { get; init; }

    /// <summary>See <see cref="IngestJob.TraceParent"/>. <see cref="IngestionJobs"/> fills it from the current
    /// activity when the caller left it empty.</summary>
    public string? TraceParent { get; init; }

    /// <summary>See <see cref="IngestJob.TraceState"/>.</summary>
    public string? TraceState { get; init; }
}

public sealed record IngestJobPage(IReadOnlyList<IngestJob> Jobs, string? Next);
