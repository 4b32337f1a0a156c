using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace Verity.Core.Documents;

/// <summary>PDFs through PdfPig: one section per page with its 1-based number (so a citation can say "p. 7"),
/// text in content order with line and paragraph breaks from the layout, and title, author and dates from the
/// document information dictionary. Encrypted files are refused, and so is a page count over the limit, before any
/// page is read.</summary>
public sealed partial class PdfLoader : IDocumentLoader
{
    // A PDF ends with %%EOF; writers may append a little padding, readers conventionally look in the last kilobyte.
    private const int EndMarkerWindow = 1024;

    private static readonly ContentOrderTextExtractor.Options ExtractorOptions = new()
    {
        SeparateParagraphsWithDoubleNewline = true,
        ReplaceWhitespaceWithSpace = true,
    };

    public IReadOnlyCollection<string> MediaTypes { get; } = [Documents.MediaTypes.Pdf];

    public ParsedDocument Load(ReadOnlyMemory<byte> content, DocumentLimits limits, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!content.Span.StartsWith("%PDF-"u8))
        {
            throw new DocumentRejectedException("The file is not a PDF (it does not start with %PDF-).");
        }

        // PdfPig's lenient parser recovers what it can from a cut file; a partial document is worse than a refusal.
        if (content.Span[Math.Max(0, content.Length - EndMarkerWindow)..].IndexOf("%%EOF"u8) < 0)
        {
            throw new DocumentRejectedException("The PDF is truncated (it has no %%EOF end marker); upload the complete file.");
        }

        return ReaderGuard.Run("PDF", () => Read(content, limits, cancellationToken));
    }

    private static ParsedDocument Read(ReadOnlyMemory<byte> content, DocumentLimits limits, CancellationToken cancellationToken)
    {
        PdfDocument document;
        try
        {
            document = PdfDocument.Open(content, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        }
        catch (PdfDocumentEncryptedException)
        {
            throw Encrypted();
        }

        using (document)
        {
            if (document.IsEncrypted)
            {
                throw Encrypted();
            }

            var pages = document.NumberOfPages;
            if (pages > limits.MaxPages)
            {
                throw new DocumentRejectedException($"The PDF has {pages:N0} pages; the limit is {limits.MaxPages:N0} (Ingestion:MaxPages).");
            }

            var sections = new List<DocumentSection>(pages);
            for (var number = 1; number <= pages; number++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var text = Tidy(ContentOrderTextExtractor.GetText(document.GetPage(number), ExtractorOptions));
                if (text.Length > 0)
                {
                    sections.Add(new DocumentSection([], text) { Page = number });
                }
            }

            if (sections.Count == 0 && pages > 0)
            {
                throw new DocumentRejectedException(
                    "The PDF has no extractable text; it may be scanned images, which need OCR before they can be ingested.");
            }

            var information = document.Information;
            return new ParsedDocument(OfficePackages.Clean(information.Title), sections)
            {
                Properties = new DocumentProperties
                {
                    Author = OfficePackages.Clean(information.Author),
                    Created = DateOrNull(information.GetCreatedDateTimeOffset),
                    Modified = DateOrNull(information.GetModifiedDateTimeOffset),
                },
            };
        }
    }

    // A malformed date is a missing date, not a reason to refuse the text.
    private static DateTimeOffset? DateOrNull(Func<DateTimeOffset?> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static DocumentRejectedException Encrypted() =>
        new("The PDF is encrypted or password-protected; save an unprotected copy and upload that.");

    // Lines lose their trailing spaces, and runs of blank lines become one paragraph break.
    private static string Tidy(string text) =>
        BlankLines().Replace(TrailingSpaces().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), "\n"), "\n\n").Trim();

    [GeneratedRegex(@"[ \t]+\n")]
    private static partial Regex TrailingSpaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}
