namespace Verity.Core.Telemetry;

/// <summary>The values of the <c>outcome</c> tag of <see cref="RagMetrics.IngestedDocumentsName"/>.</summary>
public static class IngestOutcomes
{
    public const string Added = "added";
    public const string Updated = "updated";

    /// <summary>Nothing to write: the content was unchanged, a newer version was already indexed, or a delete found
    /// no document.</summary>
    public const string Unchanged = "unchanged";
    public const string Deleted = "deleted";
    public const string Rejected = "rejected";

    // A stale write changed nothing: for the index it is unchanged.
    internal static string Of(Ingestion.IngestStatus status) => status switch
    {
        Ingestion.IngestStatus.Added => Added,
        Ingestion.IngestStatus.Updated => Updated,
        _ => Unchanged,
    };
}
