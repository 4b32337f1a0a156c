using Microsoft.Data.Sqlite;
using Verity.Core.Jobs;

namespace Verity.Sqlite;

/// <summary>The columns of the job tables and the readers of their rows (the stored names come from
/// <see cref="JobVocabulary"/>).</summary>
internal static class JobRows
{
    public const string JobColumns = """
        j.id, j.tenant_id, j.kind, j.source, j.created_by, j.state, j.total, j.done, j.added, j.updated, j.unchanged,
        j.stale, j.removed, j.quarantined, j.retrying, j.chunks, j.bytes, j.created_at, j.started_at, j.finished_at,
        j.trace_parent, j.trace_state
        """;

    public const string ItemColumns = """
        i.id, i.job_id, i.tenant_id, i.document_id, i.action, i.locator, i.descriptor, i.state, i.outcome, i.attempts,
        i.error, i.next_attempt_at, i.bytes, i.updated_at
        """;

    public const int ItemColumnCount = 14;

    public static IngestJob ReadJob(SqliteDataReader reader) => new()
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
        CreatedAt = Sql.ParseTimestamp(reader.GetString(17)),
        StartedAt = OptionalTime(reader, 18),
        FinishedAt = OptionalTime(reader, 19),
        TraceParent = reader.IsDBNull(20) ? null : reader.GetString(20),
        TraceState = reader.IsDBNull(21) ? null : reader.GetString(21),
    };

    public static JobItem ReadItem(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        JobId = reader.GetString(1),
        TenantId = reader.GetString(2),
        DocumentId = reader.GetString(3),
        Action = JobVocabulary.Action(reader.GetString(4)),
        Locator = reader.IsDBNull(5) ? null : reader.GetString(5),
        Descriptor = reader.GetString(6),
        State = JobVocabulary.ItemState(reader.GetString(7)),
        Outcome = reader.IsDBNull(8) ? null : JobVocabulary.Outcome(reader.GetString(8)),
        Attempts = reader.GetInt32(9),
        Error = reader.IsDBNull(10) ? null : reader.GetString(10),
        NextAttemptAt = OptionalTime(reader, 11),
        Bytes = reader.GetInt64(12),
        UpdatedAt = Sql.ParseTimestamp(reader.GetString(13)),
    };

    private static DateTimeOffset? OptionalTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Sql.ParseTimestamp(reader.GetString(ordinal));
}
