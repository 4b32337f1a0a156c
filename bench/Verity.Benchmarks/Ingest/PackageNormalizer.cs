using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Verity.Benchmarks.Ingest;

/// <summary>
/// Makes an Open XML package the same bytes on every run. The SDK names relationships with random ids
/// (<c>R</c> and 16 hex digits) and the core-properties part with a random GUID, and the zip entries carry the time
/// they were written; this renames the ids and the part in order of first appearance (<c>rId1</c>, <c>rId2</c>, …)
/// and stamps every entry with one fixed time.
/// </summary>
internal static partial class PackageNormalizer
{
    private static readonly DateTimeOffset Stamp = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static byte[] Normalize(byte[] package)
    {
        var entries = new List<(string Name, string Text)>();
        using (var archive = new ZipArchive(new MemoryStream(package), ZipArchiveMode.Read))
        {
            foreach (var entry in archive.Entries)
            {
                using var reader = new StreamReader(entry.Open(), Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
                entries.Add((entry.FullName, reader.ReadToEnd()));
            }
        }

        var renames = new Dictionary<string, string>(StringComparer.Ordinal);
        string Rename(Match match) => renames.TryGetValue(match.Value, out var renamed)
            ? renamed
            : renames[match.Value] = match.Value.EndsWith(".psmdcp", StringComparison.Ordinal) ? $"core{renames.Count + 1}.psmdcp" : $"rId{renames.Count + 1}";

        using var output = new MemoryStream(package.Length);
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                var entry = archive.CreateEntry(RandomNames().Replace(name, Rename), CompressionLevel.Optimal);
                entry.LastWriteTime = Stamp;
                using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                writer.Write(RandomNames().Replace(text, Rename));
            }
        }

        return output.ToArray();
    }

    [GeneratedRegex(@"\bR[0-9a-f]{16}\b|\b[0-9a-f]{32}\.psmdcp\b")]
    private static partial Regex RandomNames();
}
