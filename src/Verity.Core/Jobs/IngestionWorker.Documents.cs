using Verity.Core.Ingestion;
using Verity.Core.Telemetry;

namespace Verity.Core.Jobs;

/// <summary>What an item does to the index: checks that it may, then ingests its content (read from its file when
/// the job did not carry it) or deletes its document.</summary>
public sealed partial class IngestionWorker
{
    private async Task<(JobItemOutcome Outcome, int Chunks, long BytesRead)> RunItemAsync(LeasedItem leased, CancellationToken cancellationToken)
    {
        var item = leased.Item;
        var existing = await _store.GetDocumentAsync(item.TenantId, item.DocumentId, cancellationToken).ConfigureAwait(false);
        if (existing is not null && existing.Source != leased.Source)
        {
            throw Rejected(
                $"The id '{item.DocumentId}' already belongs to a document from another source ({existing.Source}); " +
                "delete that document or ingest this source into another tenant.");
        }

        var descriptor = JobItemDescriptor.Parse(item.Descriptor);
        if (existing is not null && descriptor.WriterPrincipals is { } writer && !existing.Acl.IsPublic
            && !existing.Acl.Principals.Intersect(writer, StringComparer.Ordinal).Any())
        {
            throw Rejected(
                $"The document '{item.DocumentId}' now has an access list that excludes the caller who uploaded this version.");
        }

        if (item.Action == JobItemAction.Delete)
        {
            var removed = await DeleteAsync(item, cancellationToken).ConfigureAwait(false);
            if (removed)
            {
                Log.DocumentRemoved(_logger, item.DocumentId);
            }

            return (removed ? JobItemOutcome.Removed : JobItemOutcome.Unchanged, 0, 0);
        }

        var content = leased.Content ?? await ReadLocatorAsync(item, leased.Source, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            // The file went away between the scan and now: the source no longer has the document.
            var removed = await DeleteAsync(item, cancellationToken).ConfigureAwait(false);
            return (removed ? JobItemOutcome.Removed : JobItemOutcome.Unchanged, 0, 0);
        }

        var bytesRead = leased.Content is null ? content.Value.Length : 0;
        var outcome = await _ingestion.IngestAsync(
            descriptor.ToInput(item.TenantId, item.DocumentId, leased.Source, content.Value), cancellationToken).ConfigureAwait(false);
        return outcome.Status switch
        {
            IngestStatus.Added => (JobItemOutcome.Added, outcome.Chunks, bytesRead),
            IngestStatus.Updated => (JobItemOutcome.Updated, outcome.Chunks, bytesRead),
            IngestStatus.Stale => (JobItemOutcome.Stale, 0, bytesRead),
            _ => (JobItemOutcome.Unchanged, 0, bytesRead),
        };
    }

    private async Task<ReadOnlyMemory<byte>?> ReadLocatorAsync(JobItem item, string source, CancellationToken cancellationToken)
    {
        if (item.Locator is null)
        {
            throw Rejected("The item carries neither content nor a file to read.");
        }

        var file = new FileInfo(item.Locator);
        if (!file.Exists)
        {
            // A file missing from a folder this process cannot see at all says nothing about the source: a worker on
            // another machine without the mount must not delete the document.
            if (source.StartsWith(Connectors.FolderConnector.IdPrefix, StringComparison.Ordinal)
                && !Directory.Exists(source[Connectors.FolderConnector.IdPrefix.Length..]))
            {
                throw new SourceUnavailableException(
                    $"The source folder {source[Connectors.FolderConnector.IdPrefix.Length..]} is not visible to this worker; every worker must see it at the same path.");
            }

            return null;
        }

        if (file.Length > _ingestion.Options.MaxDocumentBytes)
        {
            throw Rejected(
                $"The file is {IngestionService.FormatBytes(file.Length)}; the limit is " +
                $"{IngestionService.FormatBytes(_ingestion.Options.MaxDocumentBytes)} (Ingestion:MaxDocumentBytes).");
        }

        return await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> DeleteAsync(JobItem item, CancellationToken cancellationToken)
    {
        var removed = await _store.DeleteDocumentAsync(item.TenantId, item.DocumentId, cancellationToken).ConfigureAwait(false);
        _metrics?.RecordIngested(removed ? IngestOutcomes.Deleted : IngestOutcomes.Unchanged);
        return removed;
    }

    // Rejections found here, before the ingestion service sees the document, are counted here; the service counts its own.
    private DocumentRejectedException Rejected(string reason)
    {
        _metrics?.RecordIngested(IngestOutcomes.Rejected);
        _metrics?.RecordIngestFailure();
        return new DocumentRejectedException(reason);
    }
}
