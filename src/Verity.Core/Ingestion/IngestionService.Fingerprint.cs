using System.Text;
using Verity.Core.Documents;
using Verity.Core.Model;
using Verity.Core.Security;
using Verity.Core.Text;

namespace Verity.Core.Ingestion;

/// <summary>Deciding whether a document changed, before anything costly: its size, type, redacted text and hash.</summary>
public sealed partial class IngestionService
{
    /// <summary>What decides whether a document changed: its content (normalised text, or the file's bytes) and
    /// every input that shapes the index entry. Computed before parsing, so an unchanged document is never parsed,
    /// chunked or embedded.</summary>
    private Fingerprinted Fingerprint(DocumentInput input)
    {
        if ((input.Text is null) == (input.Content is null))
        {
            throw new InvalidRequestException("A document needs either text or file content.", "text");
        }

        var metadata = input.Metadata ?? DocumentRecord.EmptyMetadata;
        var acl = input.Acl ?? DocumentAcl.Public;
        string mediaType, hash;
        string? text = null;
        if (input.Content is { } content)
        {
            if (content.Length > _options.MaxDocumentBytes)
            {
                throw new DocumentRejectedException(
                    $"The document is {FormatBytes(content.Length)}; the limit is {FormatBytes(_options.MaxDocumentBytes)} (Ingestion:MaxDocumentBytes).");
            }

            mediaType = DocumentFormats.Detect(content.Span, input.FileName, input.MediaType);
            EnsureSupported(mediaType);
            hash = ContentHash.Compute(content.Span, Shape(input, mediaType, acl), metadata);
        }
        else
        {
            if (Encoding.UTF8.GetByteCount(input.Text!) > _options.MaxDocumentBytes)
            {
                throw new DocumentRejectedException(
                    $"The document is larger than {FormatBytes(_options.MaxDocumentBytes)} (Ingestion:MaxDocumentBytes).");
            }

            // Redaction comes before hashing, so the stored text, its chunks and its hash all agree.
            text = Redact(TextNormalizer.Normalize(input.Text!));
            mediaType = MediaTypes.Sniff(MediaTypes.Canonical(input.MediaType) ?? MediaTypes.PlainText, text);
            EnsureSupported(mediaType);
            hash = ContentHash.Compute(text, Shape(input, mediaType, acl), metadata);
        }

        return new Fingerprinted(text, mediaType, metadata, hash);
    }

    private void EnsureSupported(string mediaType) => _formats.EnsureSupported(mediaType);

    // Dates are left out on purpose: touching a file (a checkout, a copy) changes its time but not its content,
    // and must not cost a re-embed.
    private static string Shape(DocumentInput input, string mediaType, DocumentAcl acl) =>
        $"{mediaType}\n{input.Title}\n{input.FallbackTitle}\n{input.Uri}\n{acl.Canonical}\n{input.Author}";

    private string Redact(string text) => _redactor is null ? text : _redactor.Redact(text).Text;

    private sealed record Fingerprinted(string? Text, string MediaType, IReadOnlyDictionary<string, string> Metadata, string Hash);
}
