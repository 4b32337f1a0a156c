using Verity.Core.Connectors;

namespace Verity.Core.Tests.Connectors;

/// <summary>A folder under the temp directory, removed with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "verity-connectors-" + Guid.NewGuid().ToString("N"));

    public string Write(string relative, string content, DateTime? lastWriteUtc = null)
    {
        var path = Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);

        // Fixed times: a rewrite within the file system's time resolution must still look different when a test
        // means it to.
        File.SetLastWriteTimeUtc(path, lastWriteUtc ?? new DateTime(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc));
        return path;
    }

    public void Delete(string relative) => File.Delete(Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar)));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>What the index would hold after every upsert of <paramref name="scan"/> succeeded.</summary>
    public static Dictionary<string, DocumentFingerprint> KnownAfter(SourceScan scan, IReadOnlyDictionary<string, DocumentFingerprint>? before = null)
    {
        var known = new Dictionary<string, DocumentFingerprint>(before ?? new Dictionary<string, DocumentFingerprint>(), StringComparer.Ordinal);
        foreach (var item in scan.Items)
        {
            if (item.Action == Jobs.JobItemAction.Delete)
            {
                known.Remove(item.DocumentId);
            }
            else
            {
                known[item.DocumentId] = new DocumentFingerprint("hash-" + item.DocumentId, "chunker", "model");
            }
        }

        return known;
    }
}
