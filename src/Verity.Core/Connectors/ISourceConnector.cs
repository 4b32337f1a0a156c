using Verity.Core.Jobs;

namespace Verity.Core.Connectors;

/// <summary>
/// A source of documents (a folder, a web site, …). A scan reads the source as it is now and returns the job items
/// that bring the index in line with it: upserts for new or changed documents, deletes for documents the source no
/// longer has. The scan's new checkpoint is stored with the job in one transaction, so the next scan can skip what
/// did not change (file sizes and times, ETags) without the checkpoint ever running ahead of the queued work.
/// </summary>
public interface ISourceConnector
{
    /// <summary>Stable id of this source; also the <see cref="Model.DocumentRecord.Source"/> of its documents
    /// (<c>fs:/srv/wiki</c>, <c>web:https://docs.example.com/</c>).</summary>
    string Id { get; }

    /// <summary>The job kind scans of this connector create (<c>folder</c>, <c>crawl</c>).</summary>
    string Kind { get; }

    Task<SourceScan> ScanAsync(ScanContext context, CancellationToken cancellationToken);
}

/// <param name="Known">What the index holds for this source now, by document id.</param>
/// <param name="Checkpoint">The cursor the previous scan stored, or null for a first scan.</param>
public sealed record ScanContext(
    string TenantId,
    IReadOnlyDictionary<string, DocumentFingerprint> Known,
    string? Checkpoint,
    IProgress<ScanProgress>? Progress = null);

/// <param name="Items">Work for the job; an unchanged document needs no item.</param>
/// <param name="Checkpoint">The cursor to store with the job (null: keep none).</param>
/// <param name="Unchanged">Documents the scan saw and skipped as unchanged.</param>
/// <param name="Ignored">Entries of the source that are not documents Verity reads (unsupported files).</param>
/// <param name="Failures">Entries that could not be read at scan time, with the reason; they keep their previous
/// version in the index (a failure is never taken for a deletion).</param>
public sealed record SourceScan(
    IReadOnlyList<NewJobItem> Items,
    string? Checkpoint,
    int Unchanged,
    int Ignored,
    IReadOnlyList<ScanFailure> Failures);

public sealed record ScanFailure(string Locator, string Reason);

public sealed record ScanProgress(int Seen, string Current);
