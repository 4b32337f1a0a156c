using System.Buffers.Binary;
using System.Text;

namespace Verity.Core.Documents;

/// <summary>Reads the entry names of a zip archive straight from its bytes, without expanding anything, to tell
/// DOCX, XLSX and PPTX apart. Only for detection: the archive is verified later by <see cref="ArchiveGuard"/>.</summary>
internal static class ZipDirectory
{
    private const uint EndOfDirectorySignature = 0x06054b50;
    private const uint DirectoryEntrySignature = 0x02014b50;
    private const uint LocalHeaderSignature = 0x04034b50;
    private const int MaxNames = 100_000;

    /// <summary>The Office media type the entry names point to, or null for any other archive.</summary>
    public static string? OfficeMediaType(ReadOnlySpan<byte> zip)
    {
        bool word = false, sheet = false, slides = false;
        foreach (var name in EntryNames(zip))
        {
            word |= name.StartsWith("word/", StringComparison.Ordinal);
            sheet |= name.StartsWith("xl/", StringComparison.Ordinal);
            slides |= name.StartsWith("ppt/", StringComparison.Ordinal);
        }

        return word ? MediaTypes.Docx : slides ? MediaTypes.Pptx : sheet ? MediaTypes.Xlsx : null;
    }

    public static List<string> EntryNames(ReadOnlySpan<byte> zip)
    {
        var names = new List<string>();
        if (!ReadCentralDirectory(zip, names))
        {
            // No readable directory (a truncated file): the local headers still name the entries before the cut.
            names.Clear();
            ReadLocalHeaders(zip, names);
        }

        return names;
    }

    private static bool ReadCentralDirectory(ReadOnlySpan<byte> zip, List<string> names)
    {
        // The end record is 22 bytes plus a comment of at most 65,535 bytes, so it is searched for from the end.
        var lowest = Math.Max(0, zip.Length - 22 - ushort.MaxValue);
        for (var end = zip.Length - 22; end >= lowest; end--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip[end..]) != EndOfDirectorySignature)
            {
                continue;
            }

            var offset = BinaryPrimitives.ReadUInt32LittleEndian(zip[(end + 16)..]);
            var position = (long)offset;
            while (position + 46 <= end && names.Count < MaxNames)
            {
                var header = zip[(int)position..];
                if (BinaryPrimitives.ReadUInt32LittleEndian(header) != DirectoryEntrySignature)
                {
                    break;
                }

                int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
                int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[30..]);
                int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(header[32..]);
                if (46 + nameLength > header.Length)
                {
                    break;
                }

                names.Add(Encoding.UTF8.GetString(header.Slice(46, nameLength)));
                position += 46L + nameLength + extraLength + commentLength;
            }

            return names.Count > 0;
        }

        return false;
    }

    private static void ReadLocalHeaders(ReadOnlySpan<byte> zip, List<string> names)
    {
        long position = 0;
        while (position + 30 <= zip.Length && names.Count < MaxNames)
        {
            var header = zip[(int)position..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != LocalHeaderSignature)
            {
                return;
            }

            var flags = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
            var compressed = BinaryPrimitives.ReadUInt32LittleEndian(header[18..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header[26..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
            if (30 + nameLength > header.Length)
            {
                return;
            }

            names.Add(Encoding.UTF8.GetString(header.Slice(30, nameLength)));

            // With a data descriptor (flag bit 3) the size comes after the data, so the next header cannot be found.
            if ((flags & 0x8) != 0 && compressed == 0)
            {
                return;
            }

            position += 30L + nameLength + extraLength + compressed;
        }
    }
}
