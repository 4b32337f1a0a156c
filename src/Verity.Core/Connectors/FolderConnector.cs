using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Verity.Core.Connectors;

/// <summary>
/// A folder on disk as a source. Every file with a supported extension is a document whose id is its path relative
/// to the root with '/' separators; hidden files and folders (a name starting with '.') are skipped. ACLs come from
/// <c>.acl.json</c> sidecars (<see cref="Ingestion.AclSidecar"/>), titles, authors and metadata from
/// <c>.meta.json</c> sidecars (<see cref="MetadataSidecar"/>). Items carry the file's path, not its bytes: the
/// worker reads the file when the item runs.
/// </summary>
public sealed class FolderConnector : ISourceConnector
{
    /// <summary>What a folder source's id starts with; the rest is the folder's full path.</summary>
    public const string IdPrefix = "fs:";

    private readonly FolderConnectorOptions _options;
    private readonly ILogger _logger;

    public FolderConnector(string root, FolderConnectorOptions? options = null, ILogger<FolderConnector>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        // "dir" and "dir/" are one folder, so they must be one source.
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        Id = IdPrefix + Root;
        _options = options ?? new FolderConnectorOptions();
        _logger = logger ?? NullLogger<FolderConnector>.Instance;
        if (_options.ProgressInterval < 1)
        {
            throw new InvalidRequestException("The progress interval must be at least 1 file.", "progressInterval");
        }
    }

    /// <summary><c>fs:</c> and the full path of the root, as folder syncs have always named their source.</summary>
    public string Id { get; }

    public string Kind => "folder";

    /// <summary>The full path of the folder, without a trailing separator.</summary>
    public string Root { get; }

    /// <summary>Lists the tree and returns an upsert for every new or changed file, a delete for every known document
    /// whose file is gone, and a checkpoint of sizes, times and sidecar stamps. A missing root is an error, never
    /// "everything was deleted"; a folder that cannot be listed keeps every document below it.</summary>
    public Task<SourceScan> ScanAsync(ScanContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Directory.Exists(Root))
        {
            throw new InvalidRequestException($"The folder '{Root}' does not exist.", "path");
        }

        return new FolderScan(Root, context, _options, _logger).RunAsync(cancellationToken);
    }

    /// <summary>True for the files that describe other files (<c>.acl.json</c>, <c>.meta.json</c>): they are read
    /// with the files they describe and are never documents themselves.</summary>
    public static bool IsSidecar(string path) => Ingestion.AclSidecar.IsSidecar(path) || MetadataSidecar.IsSidecar(path);
}

public sealed record FolderConnectorOptions
{
    /// <summary>Report <see cref="ScanProgress"/> every this many files.</summary>
    public int ProgressInterval { get; init; } = 100;
}
