using System.Text;
using System.Text.Json;

namespace Verity.Core.Documents;

/// <summary>Chooses a media type from the content first, then the declared type, then the file name: a PDF named
/// <c>notes.txt</c> is a PDF, a text file named <c>notes.pdf</c> is text, and an upload declared
/// <c>application/octet-stream</c> still finds its loader. Content that is neither a known container nor text is
/// <see cref="MediaTypes.OctetStream"/>, which no loader reads.</summary>
public static class FormatDetector
{
    private const int ProbeLength = 8192;

    public static string Detect(ReadOnlySpan<byte> content, string? fileName, string? declaredMediaType)
    {
        if (content.StartsWith("%PDF-"u8))
        {
            return MediaTypes.Pdf;
        }

        if (content.StartsWith("PK\u0003\u0004"u8))
        {
            return ZipDirectory.OfficeMediaType(content) ?? MediaTypes.OctetStream;
        }

        // The content is not a PDF or an Office file, so a declaration or extension saying it is one is wrong.
        var declared = TrustedForText(MediaTypes.Canonical(declaredMediaType));
        var byName = TrustedForText(fileName is null ? null : MediaTypes.FromExtension(fileName));
        if (!TryDecodeHead(content, out var head))
        {
            return MediaTypes.OctetStream;
        }

        var start = head.AsSpan().TrimStart();
        if (start.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
        {
            return MediaTypes.Html;
        }

        if (start.Length > 0 && start[0] is '{' or '[' && JsonKind(head, complete: content.Length <= ProbeLength) is { } json)
        {
            return json == MediaTypes.Json && (declared == MediaTypes.JsonLines || byName == MediaTypes.JsonLines)
                ? MediaTypes.JsonLines
                : json;
        }

        return declared ?? byName ?? MediaTypes.PlainText;
    }

    private static string? TrustedForText(string? mediaType) =>
        mediaType is null or MediaTypes.OctetStream or MediaTypes.Pdf or MediaTypes.Docx or MediaTypes.Pptx or MediaTypes.Xlsx
            ? null
            : mediaType;

    /// <summary>Decodes the first few kilobytes for sniffing, leniently (the real decoding comes later); false when
    /// the bytes are binary: NULs that are not the pattern of UTF-16 or UTF-32.</summary>
    private static bool TryDecodeHead(ReadOnlySpan<byte> content, out string head)
    {
        var probe = content[..Math.Min(content.Length, ProbeLength)];
        head = "";
        if (probe.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]) || probe.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            head = new UTF32Encoding(probe[0] == 0, true).GetString(probe[..(probe.Length & ~3)]).TrimStart('\uFEFF');
            return true;
        }

        var order = probe.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? Utf16Order.LittleEndian
            : probe.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Utf16Order.BigEndian
            : TextDecoder.DetectUtf16(probe);
        if (order != Utf16Order.None)
        {
            var encoding = new UnicodeEncoding(order == Utf16Order.BigEndian, byteOrderMark: false);
            head = encoding.GetString(probe[..(probe.Length & ~1)]).TrimStart('\uFEFF');
            return true;
        }

        if (probe.Contains((byte)0))
        {
            return false;
        }

        head = Encoding.UTF8.GetString(probe).TrimStart('\uFEFF');
        return true;
    }

    /// <summary>JSON, JSON Lines, or null when the text does not read as JSON. A cheap check: only the first few
    /// kilobytes are read, and a value cut off by the end of the probe counts as JSON.</summary>
    private static string? JsonKind(string head, bool complete)
    {
        var bytes = Encoding.UTF8.GetBytes(head);
        var reader = new Utf8JsonReader(bytes, complete, new JsonReaderState(new JsonReaderOptions
        {
            AllowMultipleValues = true,
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        }));
        var values = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)
                    && ++values == 2)
                {
                    return MediaTypes.JsonLines;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return MediaTypes.Json;
    }
}
