using System.Diagnostics;
using Verity.Core;
using Verity.Core.Model;
using Verity.Core.Security;

namespace Verity.Cli.Commands;

internal sealed record StoreCopyProgress(int Done, int Total, string Current);

internal sealed record StoreCopySummary(
    int Tenants, int Documents, int Copied, int Unchanged, int KeptNewer, long Chunks, int KeysCopied, int KeysUnchanged, TimeSpan Elapsed);

/// <summary>
/// Copies an index from one store to another through the stores' own ports: the source's export
/// (<see cref="IIndexExporter"/>) written with the target's upsert, so each document lands in one transaction with
/// its text, chunks, vectors (nothing is parsed or embedded again), parent passages, metadata, ACL and source
/// version. A document the target already holds unchanged is not written again, so a re-run after an interruption
/// only copies what is missing; a target document with a newer source version is kept. API keys of the tenants
/// that have documents (and of the default tenant) are copied with their hashes; jobs, connector checkpoints and
/// the audit log are not.
/// </summary>
internal static class StoreCopier
{
    public static async Task<StoreCopySummary> CopyAsync(
        IIndexStore source, IApiKeyStore sourceKeys, IIndexStore target, IApiKeyStore targetKeys,
        IProgress<StoreCopyProgress>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var exporter = source as IIndexExporter
            ?? throw new InvalidOperationException("The source store cannot export its index.");
        var configuration = await exporter.GetConfigurationAsync(cancellationToken)
            ?? throw new InvalidOperationException("The source store has no index yet: there is nothing to copy.");
        await source.InitializeAsync(configuration, cancellationToken);

        // The target refuses, without writing, a live generation built with another embedding model.
        var generation = await target.InitializeAsync(configuration, cancellationToken);
        if (generation.EmbeddingModel != configuration.EmbeddingModel || generation.Dimensions != configuration.Dimensions)
        {
            throw new InvalidOperationException(
                $"The target index was built with '{generation.EmbeddingModel}' ({generation.Dimensions} dimensions); the source with " +
                $"'{configuration.EmbeddingModel}' ({configuration.Dimensions}). Vectors of two models cannot share an index: copy into an empty store.");
        }

        var tenants = await exporter.ListTenantsAsync(cancellationToken);
        var total = 0;
        foreach (var tenant in tenants)
        {
            total += (await source.GetStatisticsAsync(tenant, cancellationToken)).Documents;
        }

        int done = 0, copied = 0, unchanged = 0, keptNewer = 0;
        long chunks = 0;
        foreach (var tenant in tenants)
        {
            await foreach (var write in exporter.ExportDocumentsAsync(tenant, cancellationToken))
            {
                var stored = await target.GetDocumentAsync(tenant, write.Document.Id, cancellationToken);
                if (stored is not null && Same(stored, write.Document))
                {
                    unchanged++;
                }
                else if ((await target.UpsertDocumentAsync(write, cancellationToken)).Applied)
                {
                    copied++;
                    chunks += write.Chunks.Count;
                }
                else
                {
                    keptNewer++;
                }

                progress?.Report(new StoreCopyProgress(++done, Math.Max(total, done), $"{tenant}/{write.Document.Id}"));
            }
        }

        var (keysCopied, keysUnchanged) = await CopyKeysAsync(tenants, sourceKeys, targetKeys, cancellationToken);
        return new StoreCopySummary(
            tenants.Count, done, copied, unchanged, keptNewer, chunks, keysCopied, keysUnchanged, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<(int Copied, int Unchanged)> CopyKeysAsync(
        IReadOnlyList<string> tenants, IApiKeyStore source, IApiKeyStore target, CancellationToken cancellationToken)
    {
        int copied = 0, unchanged = 0;
        foreach (var tenant in tenants.Append(Tenants.Default).Distinct(StringComparer.Ordinal))
        {
            foreach (var key in await source.ListAsync(tenant, cancellationToken))
            {
                if (await target.FindByIdAsync(key.Id, cancellationToken) is not null)
                {
                    unchanged++;
                    continue;
                }

                var stored = await source.FindByIdAsync(key.Id, cancellationToken);
                if (stored is null)
                {
                    continue;
                }

                await target.CreateAsync(stored.Record, stored.SecretHash, cancellationToken);
                if (stored.Record.IsRevoked)
                {
                    await target.RevokeAsync(tenant, key.Id, cancellationToken);
                }

                copied++;
            }
        }

        return (copied, unchanged);
    }

    /// <summary>Whether the target's copy already says everything the export says (the store-assigned version and
    /// timestamps aside); the content hash covers text, title and metadata, the rest is compared field by field.</summary>
    private static bool Same(DocumentRecord stored, DocumentRecord exported) =>
        stored.ContentHash == exported.ContentHash
        && stored.ChunkerVersion == exported.ChunkerVersion
        && stored.EmbeddingModel == exported.EmbeddingModel
        && stored.SourceVersion == exported.SourceVersion
        && stored.Title == exported.Title
        && stored.Uri == exported.Uri
        && stored.Source == exported.Source
        && stored.MediaType == exported.MediaType
        && stored.ChunkCount == exported.ChunkCount
        && stored.TextLength == exported.TextLength
        && stored.Acl.Canonical == exported.Acl.Canonical
        && stored.Metadata.Count == exported.Metadata.Count
        && stored.Metadata.All(p => exported.Metadata.TryGetValue(p.Key, out var value) && value == p.Value);
}
