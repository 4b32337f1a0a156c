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
    TimeSpan Elapsed);

public sealed record SyncProgress(int Done, int Total, string CurrentPath);
