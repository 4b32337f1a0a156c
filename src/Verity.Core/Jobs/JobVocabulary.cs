namespace Verity.Core.Jobs;

/// <summary>
/// The stable names of job states, item states, actions and outcomes, as every job store persists them (they also
/// match the API's snake_case enum names). One vocabulary, so a store migrated to another reads back what it wrote.
/// </summary>
public static class JobVocabulary
{
    /// <summary>An item of a cancelled job that never ran; read back as <see cref="JobItemState.Quarantined"/>.</summary>
    public const string Cancelled = "cancelled";

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

    /// <summary>The outcome's stored name, which is also the name of its counter column in a store's job table.</summary>
    public static string Text(JobItemOutcome outcome) => outcome switch
    {
        JobItemOutcome.Added => "added",
        JobItemOutcome.Updated => "updated",
        JobItemOutcome.Unchanged => "unchanged",
        JobItemOutcome.Stale => "stale",
        JobItemOutcome.Removed => "removed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static IngestJobState JobState(string text) => text switch
    {
        "queued" => IngestJobState.Queued,
        "running" => IngestJobState.Running,
        "succeeded" => IngestJobState.Succeeded,
        "completed_with_errors" => IngestJobState.CompletedWithErrors,
        _ => IngestJobState.Cancelled,
    };

    /// <summary>A cancelled item ended without running; the model's nearest state is quarantined (its error says why).</summary>
    public static JobItemState ItemState(string text) => text switch
    {
        "pending" => JobItemState.Pending,
        "running" => JobItemState.Running,
        "succeeded" => JobItemState.Succeeded,
        _ => JobItemState.Quarantined,
    };

    public static JobItemAction Action(string text) => text == "delete" ? JobItemAction.Delete : JobItemAction.Upsert;

    public static JobItemOutcome Outcome(string text) => text switch
    {
        "added" => JobItemOutcome.Added,
        "updated" => JobItemOutcome.Updated,
        "unchanged" => JobItemOutcome.Unchanged,
        "stale" => JobItemOutcome.Stale,
        _ => JobItemOutcome.Removed,
    };
}
