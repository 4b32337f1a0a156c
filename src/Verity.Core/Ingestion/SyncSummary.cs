namespace Verity.Core.Ingestion;

public sealed record SyncFailure(string Path, string Reason);

public sealed record SyncSummary(
    int Added,
    int Updated,
    int Unchanged,
    int Removed,
    int Ignored,
    IReadOnlyList<SyncFailure> Failed,
    int ChunksEmbedded,
    TimeSpan Elapsed)
{
    /// <summary>The job that ran the sync, when it ran as one.</summary>
    public string? JobId { get; init; }

    /// <summary>Unfinished jobs of an earlier run that were finished first.</summary>
    public int ResumedJobs { get; init; }

    /// <summary>Documents the resumed jobs added, updated or removed (over both runs).</summary>
    public int ResumedChanges { get; init; }

    /// <summary>Writes refused because the index held a newer version.</summary>
    public int Stale { get; init; }
}

public sealed record SyncProgress(int Done, int Total, string CurrentPath);
