using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Verity.Core.Documents;

/// <summary>Proves a zip archive (DOCX, XLSX, PPTX) safe to open before the Office SDK touches it: a bounded number
/// of entries, and a real expanded size within <see cref="DocumentLimits.MaxExpandedBytes"/> and
/// <see cref="DocumentLimits.MaxCompressionRatio"/>, and every entry matching its checksum. The sizes in the zip
/// headers can lie, so every entry is decompressed through a counter that gives up as soon as a limit is passed: a
/// zip bomb costs a few megabytes of work, never its expanded size.</summary>
internal static class ArchiveGuard
{
    // Small entries may compress very well (a run of empty XML rows) without being a threat; the ratio only
    // matters once an entry is large enough to hurt.
    private const long RatioFreeBytes = 1024 * 1024;
    private const int BufferSize = 64 * 1024;

    public static void Check(ReadOnlyMemory<byte> content, DocumentLimits limits, string format, CancellationToken cancellationToken)
    {
        try
        {
            var source = new CountingStream(AsStream(content));
            using var archive = new ZipArchive(source, ZipArchiveMode.Read);
            if (archive.Entries.Count > limits.MaxArchiveEntries)
            {
                throw new DocumentRejectedException(
                    $"The {format} file holds {archive.Entries.Count:N0} parts; the limit is {limits.MaxArchiveEntries:N0} (Ingestion:MaxArchiveEntries).");
            }

            var buffer = new byte[BufferSize];
            long total = 0;
            foreach (var entry in archive.Entries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                total += Expand(entry, source, buffer, total, limits, format, cancellationToken);
            }
        }
        catch (Exception e) when (e is not (DocumentRejectedException or OperationCanceledException))
        {
            throw new DocumentRejectedException(
                $"The {format} file is damaged or not a valid {format} file (its zip archive cannot be read); " +
                "open and save it again in its application, then upload the new copy.");
        }
    }

    private static long Expand(
        ZipArchiveEntry entry, CountingStream source, byte[] buffer, long totalBefore, DocumentLimits limits, string format,
        CancellationToken cancellationToken)
    {
        // The ratio is measured against the compressed bytes actually read so far (header included, so it errs
        // lenient), not the header's claim: a bomb is caught within its first megabytes.
        var readBefore = source.BytesRead;
        using var stream = entry.Open();
        long expanded = 0;
        uint crc = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            expanded += read;
            crc = Crc32.Append(crc, buffer.AsSpan(0, read));
            if (totalBefore + expanded > limits.MaxExpandedBytes)
            {
                throw new DocumentRejectedException(
                    $"The {format} file expands to more than {Ingestion.IngestionService.FormatBytes(limits.MaxExpandedBytes)} " +
                    "(Ingestion:MaxExpandedBytes); it may be a zip bomb.");
            }

            if (expanded > RatioFreeBytes && expanded > (source.BytesRead - readBefore) * limits.MaxCompressionRatio)
            {
                throw new DocumentRejectedException(
                    $"A part of the {format} file expands more than {limits.MaxCompressionRatio}:1 " +
                    "(Ingestion:MaxCompressionRatio); it may be a zip bomb.");
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        if (crc != entry.Crc32)
        {
            throw new DocumentRejectedException(
                $"The {format} file is damaged (its part '{entry.FullName}' fails its checksum); upload an undamaged copy.");
        }

        return expanded;
    }

    internal static MemoryStream AsStream(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
}
