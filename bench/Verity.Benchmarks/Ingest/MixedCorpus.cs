using System.Diagnostics;
using System.Text.Json;

namespace Verity.Benchmarks.Ingest;

/// <summary>One format of the corpus: its folder, its file extension and how one document of it is written.</summary>
internal sealed record CorpusFormat(string Name, string Folder, string Extension, Func<Random, byte[]> Write);

internal sealed record CorpusFile(string Format, string Path, long Bytes);

internal sealed record CorpusManifest(int Version, int Seed, int SizeMb, IReadOnlyList<CorpusFile> Files)
{
    public long Bytes => Files.Sum(f => f.Bytes);
}

/// <summary>
/// A deterministic mixed corpus on disk: the same share of bytes in each of nine formats, one folder per format
/// (so a format can be ingested on its own), documents of varied size written from seeded English-like text. Each
/// document has its own generator seeded by (seed, format, number), so documents are written in parallel and the
/// corpus is the same bytes on every run (Office packages go through <see cref="PackageNormalizer"/>). A manifest
/// beside the folder lets a later run reuse the corpus instead of writing it again.
/// </summary>
internal static class MixedCorpus
{
    /// <summary>Raised whenever a writer changes what it writes, so an old corpus on disk is not reused.</summary>
    public const int Version = 1;

    public static readonly CorpusFormat[] Formats =
    [
        new("PDF", "pdf", ".pdf", r => PdfWriter.Write(DocumentContent.Create(r, r.Next(1_500, 9_000)))),
        new("DOCX", "docx", ".docx", r => PackageNormalizer.Normalize(WordWriter.Write(DocumentContent.Create(r, r.Next(1_000, 8_000))))),
        new("PPTX", "pptx", ".pptx", r => PackageNormalizer.Normalize(SlideWriter.Write(r, r.Next(6, 30)))),
        new("XLSX", "xlsx", ".xlsx", r => PackageNormalizer.Normalize(SheetWriter.Write(r, r.Next(200, 900)))),
        new("CSV", "csv", ".csv", r => TextFormatWriters.Csv(r, r.Next(300, 3_000))),
        new("JSON Lines", "jsonl", ".jsonl", r => TextFormatWriters.JsonLines(r, r.Next(50, 400))),
        new("HTML", "html", ".html", r => TextFormatWriters.Html(DocumentContent.Create(r, r.Next(600, 5_000)), r)),
        new("Markdown", "md", ".md", r => TextFormatWriters.Markdown(DocumentContent.Create(r, r.Next(500, 6_000)))),
        new("Text", "txt", ".txt", r => TextFormatWriters.PlainText(DocumentContent.Create(r, r.Next(300, 5_000)))),
    ];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Returns the corpus in <paramref name="root"/>, writing it first unless the manifest at
    /// <paramref name="manifestPath"/> describes exactly these settings and every file is still there.</summary>
    public static CorpusManifest Ensure(string root, string manifestPath, int sizeMb, int seed, CancellationToken cancellationToken)
    {
        if (TryReuse(root, manifestPath, sizeMb, seed) is { } existing)
        {
            Console.WriteLine($"   reusing the corpus in {root} ({existing.Files.Count:N0} files, {existing.Bytes / 1e6:0.0} MB)");
            return existing;
        }

        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        var started = Stopwatch.GetTimestamp();
        var budget = sizeMb * 1_000_000L / Formats.Length;
        var files = new List<CorpusFile>();
        for (var f = 0; f < Formats.Length; f++)
        {
            var written = WriteFormat(root, Formats[f], f, seed, budget, cancellationToken);
            files.AddRange(written);
            Console.WriteLine($"   {Formats[f].Name,-10} {written.Count,5:N0} files  {written.Sum(w => w.Bytes) / 1e6,6:0.0} MB");
        }

        var manifest = new CorpusManifest(Version, seed, sizeMb, files);
        File.WriteAllText(manifestPath, JsonSerializer.Serialize(manifest, Json));
        Console.WriteLine($"   wrote {files.Count:N0} files, {manifest.Bytes / 1e6:0.0} MB in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s to {root}");
        return manifest;
    }

    /// <summary>Writes documents of one format until they hold at least <paramref name="budget"/> bytes. Documents
    /// are made a batch at a time in parallel and taken in order, so where the format stops does not depend on
    /// the number of cores.</summary>
    private static List<CorpusFile> WriteFormat(string root, CorpusFormat format, int formatIndex, int seed, long budget, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(root, format.Folder);
        Directory.CreateDirectory(folder);
        var files = new List<CorpusFile>();
        long total = 0;
        var batch = Environment.ProcessorCount * 2;
        for (var first = 0; total < budget; first += batch)
        {
            var contents = new byte[batch][];
            Parallel.For(0, batch, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                contents[i] = format.Write(new Random(Seed(seed, formatIndex, first + i))));
            for (var i = 0; i < batch && total < budget; i++)
            {
                var relative = $"{format.Folder}/{format.Folder}-{first + i + 1:D4}{format.Extension}";
                File.WriteAllBytes(Path.Combine(root, relative), contents[i]);
                files.Add(new CorpusFile(format.Name, relative, contents[i].Length));
                total += contents[i].Length;
            }
        }

        return files;
    }

    private static CorpusManifest? TryReuse(string root, string manifestPath, int sizeMb, int seed)
    {
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        CorpusManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<CorpusManifest>(File.ReadAllText(manifestPath));
        }
        catch (JsonException)
        {
            return null;
        }

        var intact = manifest is { Version: Version } && manifest.Seed == seed && manifest.SizeMb == sizeMb
            && manifest.Files.All(f => new FileInfo(Path.Combine(root, f.Path)) is { Exists: true } file && file.Length == f.Bytes)
            && Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Count() == manifest.Files.Count;
        return intact ? manifest : null;
    }

    // HashCode.Combine is randomised per process; this mix is the same on every run.
    private static int Seed(int seed, int format, int document)
    {
        var h = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)format * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)(uint)document * 0x165667B19E3779F9UL);
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 32;
        return (int)h;
    }
}
