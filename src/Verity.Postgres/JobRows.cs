using Npgsql;
using Verity.Core.Jobs;

namespace Verity.Postgres;

/// <summary>The columns of the job tables and the readers of their rows (the stored names come from
/// <see cref="JobVocabulary"/>).</summary>
internal static class JobRows
{
    /// <summary>The states of an item that has not ended: what the queue indexes cover.</summary>
    public const string Queued = "('pending', 'running')";

    /// <summary>A job's columns (alias <c>j</c>). Retrying is counted, not stored: the job's pending items that
    /// already ran once, which is exactly the items waiting for another attempt. (The redundant <c>IN</c> lets the
    /// planner use the partial queue index, whose predicate it must see spelled out.)</summary>
    public const string JobColumns = $"""
        j.id, j.tenant_id, j.kind, j.source, j.created_by, j.state, j.total, j.done, j.added, j.updated, j.unchanged,
        j.stale, j.removed, j.quarantined,
        (SELECT count(*)::integer FROM ingest_job_items r
            WHERE r.job_id = j.id AND r.state IN {Queued} AND r.state = 'pending' AND r.attempts > 0),
        j.chunks, j.bytes, j.created_at, j.started_at, j.finished_at, j.trace_parent, j.trace_state
        """;

    public const int ItemColumnCount = 14;

    /// <summary>An item's columns under <paramref name="alias"/>, in the order <see cref="ReadItem"/> reads them.</summary>
    public static string ItemColumns(string alias) =>
        $"{alias}.id, {alias}.job_id, {alias}.tenant_id, {alias}.document_id, {alias}.action, {alias}.locator, " +
        $"{alias}.descriptor, {alias}.state, {alias}.outcome, {alias}.attempts, {alias}.error, {alias}.next_attempt_at, " +
        $"{alias}.bytes, {alias}.updated_at";

    public static IngestJob ReadJob(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        TenantId = reader.GetString(1),
        Kind = reader.GetString(2),
        Source = reader.GetString(3),
        CreatedBy = reader.IsDBNull(4) ? null : reader.GetString(4),
        State = JobVocabulary.JobState(reader.GetString(5)),
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
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(17),
        StartedAt = OptionalTime(reader, 18),
        FinishedAt = OptionalTime(reader, 19),
        TraceParent = reader.IsDBNull(20) ? null : reader.GetString(20),
        TraceState = reader.IsDBNull(21) ? null : reader.GetString(21),
    };

    /// <summary>Reads the <see cref="ItemColumnCount"/> item columns starting at <paramref name="first"/>.</summary>
    public static JobItem ReadItem(NpgsqlDataReader reader, int first = 0) => new()
    {
        Id = reader.GetInt64(first),
        JobId = reader.GetString(first + 1),
        TenantId = reader.GetString(first + 2),
        DocumentId = reader.GetString(first + 3),
        Action = JobVocabulary.Action(reader.GetString(first + 4)),
        Locator = reader.IsDBNull(first + 5) ? null : reader.GetString(first + 5),
        Descriptor = reader.GetString(first + 6),
        State = JobVocabulary.ItemState(reader.GetString(first + 7)),
        Outcome = reader.IsDBNull(first + 8) ? null : JobVocabulary.Outcome(reader.GetString(first + 8)),
        Attempts = reader.GetInt32(first + 9),
        Error = reader.IsDBNull(first + 10) ? null : reader.GetString(first + 10),
        NextAttemptAt = OptionalTime(reader, first + 11),
        Bytes = reader.GetInt64(first + 12),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(first + 13),
    };

    private static DateTimeOffset? OptionalTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
