using System.Diagnostics;
using System.Globalization;
using System.Security;
using Microsoft.Extensions.Logging;
using Verity.Core.Documents;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Security;

namespace Verity.Core.Connectors;

/// <summary>One scan of a folder: walks the tree one directory at a time (so a large tree is never listed in one
/// go), compares each file with the checkpoint and collects items, failures and the next checkpoint.</summary>
internal sealed class FolderScan(string root, ScanContext context, FolderConnectorOptions options, ILogger logger)
{
    private static readonly EnumerationOptions ListOptions = new()
    {
        RecurseSubdirectories = false,

        // Not Hidden: on Unix every dot-file is "hidden", and the folder sidecars are dot-files.
        AttributesToSkip = FileAttributes.System | FileAttributes.ReparsePoint,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };

    private readonly FolderCheckpoint _previous = FolderCheckpoint.Parse(context.Checkpoint);
    private readonly FolderCheckpoint _next = new();
    private readonly List<NewJobItem> _items = [];
    private readonly List<ScanFailure> _failures = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _unlisted = [];
    private readonly Dictionary<string, DocumentAcl?> _aclCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FolderMetadata> _metadataCache = new(StringComparer.Ordinal);
    private int _files, _unchanged, _ignored;

    public async Task<SourceScan> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pending = new Stack<Folder>();
        pending.Push(new Folder(root, "", ""));
        while (pending.TryPop(out var folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = List(folder);
            if (entries is null)
            {
                continue;
            }

            var sidecars = entries.OfType<FileInfo>().Where(f => FolderConnector.IsSidecar(f.Name))
                .ToDictionary(f => f.Name, StringComparer.Ordinal);
            var stamp = $"{folder.Stamp}|{Stamp(sidecars, AclSidecar.FileName)},{Stamp(sidecars, MetadataSidecar.FileName)}";
            var subfolders = new List<Folder>();
            foreach (var entry in entries)
            {
                if (entry.Name.StartsWith('.') || entry.Attributes.HasFlag(FileAttributes.Hidden))
                {
                    continue;
                }

                var relative = folder.Relative.Length == 0 ? entry.Name : folder.Relative + "/" + entry.Name;
                if (entry is DirectoryInfo directory)
                {
                    subfolders.Add(new Folder(directory.FullName, relative, stamp));
                }
                else if (entry is FileInfo file && !FolderConnector.IsSidecar(file.Name))
                {
                    if (MediaTypes.FromExtension(file.Name) is null)
                    {
                        _ignored++;
                    }
                    else
                    {
                        await VisitAsync(file, relative, stamp, sidecars, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            // Pushed in reverse so that folders are visited in name order: scans of the same tree list the same items.
            for (var i = subfolders.Count - 1; i >= 0; i--)
            {
                pending.Push(subfolders[i]);
            }
        }

        AddDeletes();
        context.Progress?.Report(new ScanProgress(_files, ""));
        Log.FolderScanned(logger, root, _files, _items.Count, _unchanged, _ignored, _failures.Count,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new SourceScan(_items, _next.ToJson(), _unchanged, _ignored, _failures);
    }

    private List<FileSystemInfo>? List(Folder folder)
    {
        try
        {
            return new DirectoryInfo(folder.Path).EnumerateFileSystemInfos("*", ListOptions)
                .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SecurityException)
        {
            // Nothing below an unlisted folder may be taken for deleted; remember it to spare its documents.
            var prefix = folder.Relative.Length == 0 ? "" : folder.Relative + "/";
            _unlisted.Add(prefix);
            Fail(prefix.Length == 0 ? "." : prefix, "The folder could not be listed: " + Describe(e));
            return null;
        }
    }

    private async Task VisitAsync(
        FileInfo file, string relative, string folderStamp, Dictionary<string, FileInfo> sidecars, CancellationToken cancellationToken)
    {
        _files++;
        _seen.Add(relative);
        if (_files % options.ProgressInterval == 0)
        {
            context.Progress?.Report(new ScanProgress(_files, relative));
        }

        try
        {
            var own = $"{Stamp(sidecars, file.Name + AclSidecar.FileName)},{Stamp(sidecars, file.Name + MetadataSidecar.FileName)}";
            var entry = new FolderCheckpointEntry(file.Length, file.LastWriteTimeUtc.Ticks, SidecarStamp(folderStamp + "|" + own));
            if (_previous.Files.TryGetValue(relative, out var before) && before == entry && context.Known.ContainsKey(relative))
            {
                _unchanged++;
                _next.Files[relative] = entry;
                return;
            }

            var descriptor = await DescribeAsync(file, sidecars, cancellationToken).ConfigureAwait(false);

            // Opened once here so that a file the worker could not read is reported now, with the scan.
            File.OpenHandle(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete).Dispose();
            _items.Add(new NewJobItem { DocumentId = relative, Locator = file.FullName, Descriptor = descriptor.ToJson() });
            _next.Files[relative] = entry;
        }
        catch (DocumentRejectedException e)
        {
            Fail(relative, e.Reason);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SecurityException)
        {
            Fail(relative, "The file could not be read: " + Describe(e));
        }
    }

    private async Task<JobItemDescriptor> DescribeAsync(
        FileInfo file, Dictionary<string, FileInfo> sidecars, CancellationToken cancellationToken)
    {
        var acl = await AclSidecar.ForFileAsync(root, file.FullName, _aclCache, cancellationToken).ConfigureAwait(false);
        var metadata = await FolderMetadataAsync(file.DirectoryName!, cancellationToken).ConfigureAwait(false);
        if (sidecars.TryGetValue(file.Name + MetadataSidecar.FileName, out var sidecar))
        {
            var json = await File.ReadAllTextAsync(sidecar.FullName, cancellationToken).ConfigureAwait(false);
            metadata = metadata.Under(MetadataSidecar.Parse(json, sidecar.FullName, folderLevel: false));
        }

        return new JobItemDescriptor
        {
            Title = metadata.Title,
            Author = metadata.Author,
            Metadata = metadata.Metadata.Count > 0 ? new Dictionary<string, string>(metadata.Metadata, StringComparer.Ordinal) : null,
            FileName = file.Name,
            FallbackTitle = Path.GetFileNameWithoutExtension(file.Name),
            Uri = new Uri(file.FullName).AbsoluteUri,
            Modified = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero),
        }.WithAcl(acl);
    }

    /// <summary>The folder sidecars from the root down to <paramref name="directory"/>, merged; read once per folder
    /// per scan. An invalid one fails every file below it, with its reason.</summary>
    private async Task<SidecarMetadata> FolderMetadataAsync(string directory, CancellationToken cancellationToken)
    {
        if (!_metadataCache.TryGetValue(directory, out var result))
        {
            result = await LoadFolderMetadataAsync(directory, cancellationToken).ConfigureAwait(false);
            _metadataCache[directory] = result;
        }

        return result.Error is null ? result.Value! : throw new DocumentRejectedException(result.Error);
    }

    private async Task<FolderMetadata> LoadFolderMetadataAsync(string directory, CancellationToken cancellationToken)
    {
        try
        {
            var inherited = directory.Length <= root.Length
                ? SidecarMetadata.Empty
                : await FolderMetadataAsync(Path.GetDirectoryName(directory)!, cancellationToken).ConfigureAwait(false);
            var path = Path.Combine(directory, MetadataSidecar.FileName);
            if (!File.Exists(path))
            {
                return new FolderMetadata(inherited, null);
            }

            var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            return new FolderMetadata(inherited.Under(MetadataSidecar.Parse(json, path, folderLevel: true)), null);
        }
        catch (DocumentRejectedException e)
        {
            return new FolderMetadata(null, e.Reason);
        }
    }

    private void AddDeletes()
    {
        foreach (var id in context.Known.Keys.Order(StringComparer.Ordinal))
        {
            if (_unlisted.Any(prefix => id.StartsWith(prefix, StringComparison.Ordinal)))
            {
                if (_previous.Files.TryGetValue(id, out var entry))
                {
                    _next.Files[id] = entry;
                }
            }
            else if (!_seen.Contains(id))
            {
                _items.Add(new NewJobItem { DocumentId = id, Action = JobItemAction.Delete });
            }
        }
    }

    // A failed file keeps its previous checkpoint entry: the index keeps its previous version, and the next scan
    // compares against what that version was made from.
    private void Fail(string locator, string reason)
    {
        Log.EntryFailed(logger, locator, reason);
        _failures.Add(new ScanFailure(locator, reason));
        if (_previous.Files.TryGetValue(locator, out var entry))
        {
            _next.Files[locator] = entry;
        }
    }

    private static string Describe(Exception e) => e switch
    {
        UnauthorizedAccessException or SecurityException => "permission denied.",
        FileNotFoundException or DirectoryNotFoundException => "it disappeared during the scan.",
        _ => e.Message,
    };

    private static string Stamp(Dictionary<string, FileInfo> sidecars, string name) =>
        sidecars.TryGetValue(name, out var file)
            ? string.Create(CultureInfo.InvariantCulture, $"{file.Length}:{file.LastWriteTimeUtc.Ticks}")
            : "";

    // FNV-1a over the sizes and times of the sidecars that apply; null when none does, to keep checkpoints small.
    private static string? SidecarStamp(string stamps)
    {
        if (stamps.AsSpan().Trim("|,").IsEmpty)
        {
            return null;
        }

        var hash = 14695981039346656037UL;
        foreach (var c in stamps)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <param name="Stamp">The sidecar stamps of this folder's parents.</param>
    private sealed record Folder(string Path, string Relative, string Stamp);

    private sealed record FolderMetadata(SidecarMetadata? Value, string? Error);
}
