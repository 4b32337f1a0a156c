namespace Verity.Core.Documents;

/// <summary>Chooses a media type from the content first, then the declared type, then the file name: a PDF named
/// <c>notes.txt</c> is a PDF, and an upload declared <c>application/octet-stream</c> still finds its loader.</summary>
public static class FormatDetector
{
    public static string Detect(ReadOnlySpan<byte> content, string? fileName, string? declaredMediaType)
    {
        var declared = MediaTypes.Canonical(declaredMediaType);
        if (declared == MediaTypes.OctetStream)
        {
            declared = null;
        }

        var byName = fileName is null ? null : MediaTypes.FromExtension(fileName);
        if (content.StartsWith("%PDF-"u8))
        {
            return MediaTypes.Pdf;
        }

        return declared ?? byName ?? MediaTypes.PlainText;
    }
}
