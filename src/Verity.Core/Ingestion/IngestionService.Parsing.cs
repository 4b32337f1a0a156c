using System.Text;
using Verity.Core.Documents;
using Verity.Core.Model;
using Verity.Core.Telemetry;
using Verity.Core.Text;

namespace Verity.Core.Ingestion;

/// <summary>Reading a changed document: parse or load it, normalise its sections, settle its title and metadata.</summary>
public sealed partial class IngestionService
{
    /// <summary>Parses (binary formats on a worker thread, within <see cref="IngestionOptions.DocumentTimeout"/>),
    /// normalises the sections and settles the title and metadata.</summary>
    private async Task<PreparedDocument> PrepareAsync(DocumentInput input, Fingerprinted fingerprint, CancellationToken cancellationToken)
    {
        ParsedDocument parsed;
        using (var span = Spans.Start(fingerprint.Text is null ? Spans.IngestLoad : Spans.IngestParse))
        {
            span?.SetTag(Tags.MediaType, fingerprint.MediaType)
                .SetTag(Tags.DocumentBytes, input.Content?.Length ?? Encoding.UTF8.GetByteCount(fingerprint.Text!));
            try
            {
                parsed = fingerprint.Text is { } text
                    ? _formats.Parse(fingerprint.MediaType, text)
                    : await LoadWithTimeoutAsync(input.Content!.Value, fingerprint.MediaType, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Spans.Fail(span, e))
            {
                throw;
            }

            span?.SetTag(Tags.Sections, parsed.Sections.Count);
        }

        var binary = fingerprint.Text is null;
        var sections = parsed.Sections
            .Select(s => s with { Text = binary ? Redact(TextNormalizer.Normalize(s.Text)) : TextNormalizer.Normalize(s.Text) })
            .Where(s => s.Text.Length > 0)
            .ToList();
        var document = parsed with { Sections = sections };
        var fullText = document.FullText;
        if (fullText.Length == 0 || Terms.Words(fullText).Count == 0)
        {
            throw new DocumentRejectedException("The document contains no text.");
        }

        var title = WithoutControls(FirstNonEmpty(input.Title, parsed.Title, input.FallbackTitle) ?? "Untitled").Trim();
        var id = input.Id ?? "doc_" + Guid.CreateVersion7().ToString("N");
        var metadata = MergeMetadata(input, parsed.Properties, title, fingerprint);
        return new PreparedDocument(id, title, fullText, document, fingerprint.Hash, metadata, fingerprint.MediaType);
    }

    private async Task<ParsedDocument> LoadWithTimeoutAsync(
        ReadOnlyMemory<byte> content, string mediaType, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DocumentTimeout);
        var limits = _options.Limits;
        try
        {
            // Loaders check the token between pages and parts; WaitAsync also gives up on one that does not.
            return await Task.Run(() => _formats.Load(content, mediaType, limits, timeout.Token), timeout.Token)
                .WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DocumentRejectedException(
                $"Reading the document took longer than {_options.DocumentTimeout.TotalSeconds:0.#} s (Ingestion:DocumentTimeout).");
        }
    }

    // Standard keys first, the caller's own keys over them: a caller who says who the author is knows better than
    // the file's properties. The media type is always the detected one.
    private static Dictionary<string, string> MergeMetadata(
        DocumentInput input, DocumentProperties properties, string title, Fingerprinted fingerprint)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                metadata[WithoutControls(key)] = WithoutControls(value).Trim();
            }
        }

        Set(MetadataKeys.Title, title);
        Set(MetadataKeys.SourceUri, input.Uri);
        Set(MetadataKeys.Author, input.Author ?? properties.Author);
        var created = input.Created ?? properties.Created;
        var modified = input.Modified ?? properties.Modified;
        Set(MetadataKeys.Created, created is { } c ? MetadataKeys.FormatDate(c) : null);
        Set(MetadataKeys.Modified, modified is { } m ? MetadataKeys.FormatDate(m) : null);
        foreach (var (key, value) in properties.Metadata)
        {
            Set(key, value);
        }

        foreach (var (key, value) in fingerprint.Metadata)
        {
            metadata[WithoutControls(key)] = WithoutControls(value);
        }

        metadata[MetadataKeys.MediaType] = fingerprint.MediaType;
        return metadata;
    }

    // File properties carry NULs and other control characters (a PDF title in UTF-16 often ends in one); they mean
    // nothing, break display, and PostgreSQL text cannot hold a NUL at all.
    private static string WithoutControls(string value) =>
        value.Any(char.IsControl) ? string.Concat(value.Where(c => !char.IsControl(c))) : value;

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private sealed record PreparedDocument(
        string Id, string Title, string Text, ParsedDocument Parsed, string Hash, IReadOnlyDictionary<string, string> Metadata,
        string MediaType);
}
