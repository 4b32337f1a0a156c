using Microsoft.Data.Sqlite;
using Verity.Core.Jobs;

namespace Verity.Sqlite;

/// <summary>The text the job tables store for each state, action and outcome, and the readers of their rows.</summary>
internal static class JobRows
{
    public const string Cancelled = "cancelled";

    public const string JobColumns = """
        j.id, j.tenant_id, j.kind, j.source, j.created_by, j.state, j.total, j.done, j.added, j.updated, j.unchanged,
        j.stale, j.removed, j.quarantined, j.retrying, j.chunks, j.bytes, j.created_at, j.started_at, j.finished_at
        """;

    public const string ItemColumns = """
        i.id, i.job_id, i.tenant_id, i.document_id, i.action, i.locator, i.descriptor, i.state, i.outcome, i.attempts,
        i.error, i.next_attempt_at, i.bytes, i.updated_at
        """;

    public const int ItemColumnCount = 14;

    public static string Text(IngestJobState state) => state switch
    {
        IngestJobState.Queued => "queued",
        IngestJobState.Running => "running",
        IngestJobState.Succeeded => "succeeded",
        IngestJobState.CompletedWithErrors => "completed_with_errors",
        IngestJobState.Cancelled => Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string Text(JobItemState state) => state switch
    {
        JobItemState.Pending => "pending",
        JobItemState.Running => "running",
        JobItemState.Succeeded => "succeeded",
        JobItemState.Quarantined => "quarantined",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static string Text(JobItemAction action) => action switch
    {
        JobItemAction.Upsert => "upsert",
        JobItemAction.Delete => "delete",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>The outcome's value in <c>ingest_job_items.outcome</c>, which is also the name of its counter
    /// column in <c>ingest_jobs</c>.</summary>
    public static string Text(JobItemOutcome outcome) => outcome switch
    {
        JobItemOutcome.Added => "added",
        JobItemOutcome.Updated => "updated",
        JobItemOutcome.Unchanged => "unchanged",
        JobItemOutcome.Stale => "stale",
        JobItemOutcome.Removed => "removed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static IngestJob ReadJob(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        TenantId = reader.GetString(1),
        Kind = reader.GetString(2),
        Source = reader.GetString(3),
        CreatedBy = reader.IsDBNull(4) ? null : reader.GetString(4),
        State = reader.GetString(5) switch
        {
            "queued" => IngestJobState.Queued,
            "running" => IngestJobState.Running,
            "succeeded" => IngestJobState.Succeeded,
            "completed_with_errors" => IngestJobState.CompletedWithErrors,
            _ => IngestJobState.Cancelled,
        },
        Counts = new JobCounts
        {
            Total = reader.GetInt32(6),
            Done = reader.GetInt32(7),
            Added = reader.GetInt32(8),
            Updated = reader.GetInt32(9),
            Unchanged = reader.GetInt32(10),
            Stale = reader.GetInt32(11),
            Removed = reader.GetInt32(12),
            Quarantined = reader.GetInt32(13),
            Retrying = reader.GetInt32(14),
            Chunks = reader.GetInt32(15),
            Bytes = reader.GetInt64(16),
        },
        CreatedAt = Sql.ParseTimestamp(reader.GetString(17)),
        StartedAt = OptionalTime(reader, 18),
        FinishedAt = OptionalTime(reader, 19),
    };

    public static JobItem ReadItem(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        JobId = reader.GetString(1),
        TenantId = reader.GetString(2),
        DocumentId = reader.GetString(3),
        Action = reader.GetString(4) == "delete" ? JobItemAction.Delete : JobItemAction.Upsert,
        Locator = reader.IsDBNull(5) ? null : reader.GetString(5),
        Descriptor = reader.GetString(6),
        // A cancelled item ended without running; the model's nearest state is quarantined (its error says why).
        State = reader.GetString(7) switch
        {
            "pending" => JobItemState.Pending,
            "running" => JobItemState.Running,
            "succeeded" => JobItemState.Succeeded,
            _ => JobItemState.Quarantined,
        },
        Outcome = reader.IsDBNull(8) ? null : reader.GetString(8) switch
        {
            "added" => JobItemOutcome.Added,
            "updated" => JobItemOutcome.Updated,
            "unchanged" => JobItemOutcome.Unchanged,
            "stale" => JobItemOutcome.Stale,
            _ => JobItemOutcome.Removed,
        },
        Attempts = reader.GetInt32(9),
        Error = reader.IsDBNull(10) ? null : reader.GetString(10),
        NextAttemptAt = OptionalTime(reader, 11),
        Bytes = reader.GetInt64(12),
        UpdatedAt = Sql.ParseTimestamp(reader.GetString(13)),
    };

    private static DateTimeOffset? OptionalTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Sql.ParseTimestamp(reader.GetString(ordinal));
}
