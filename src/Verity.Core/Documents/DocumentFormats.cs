namespace Verity.Core.Documents;

/// <summary>
/// Every format Verity reads, behind one call: bytes in, <see cref="ParsedDocument"/> out. Binary formats go to
/// their <see cref="IDocumentLoader"/>; text formats are decoded (<see cref="TextDecoder"/>) and handed to their
/// <see cref="IDocumentParser"/>.
/// </summary>
public sealed class DocumentFormats
{
    private static readonly string[] TextMediaTypes =
        [MediaTypes.PlainText, MediaTypes.Markdown, MediaTypes.Html, MediaTypes.Csv, MediaTypes.Json, MediaTypes.JsonLines];

    private readonly IReadOnlyList<IDocumentParser> _parsers;
    private readonly Dictionary<string, IDocumentLoader> _loaders;

    public DocumentFormats(IEnumerable<IDocumentParser> parsers, IEnumerable<IDocumentLoader> loaders)
    {
        _parsers = parsers.ToList();
        _loaders = new Dictionary<string, IDocumentLoader>(StringComparer.Ordinal);
        foreach (var loader in loaders)
        {
            foreach (var type in loader.MediaTypes)
            {
                _loaders[type] = loader;
            }
        }
    }

    /// <summary>Every built-in parser and loader with default settings (what the DI registration also provides).</summary>
    public static DocumentFormats CreateDefault() => CreateDefault(new JsonFormatOptions());

    /// <summary>Every built-in parser and loader, JSON read as <paramref name="json"/> says.</summary>
    public static DocumentFormats CreateDefault(JsonFormatOptions json) =>
        new(
            [new PlainTextParser(), new MarkdownParser(), new HtmlParser(), new CsvParser(), new JsonParser(json)],
            [new PdfLoader(), new DocxLoader(), new PptxLoader(), new XlsxLoader()]);

    public bool IsSupported(string mediaType) =>
        _loaders.ContainsKey(mediaType) || _parsers.Any(p => p.CanParse(mediaType));

    public IEnumerable<string> SupportedMediaTypes =>
        _loaders.Keys.Concat(TextMediaTypes.Where(t => _parsers.Any(p => p.CanParse(t))))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    /// <summary>The media type the content will be read as (see <see cref="FormatDetector"/>).</summary>
    public static string Detect(ReadOnlySpan<byte> content, string? fileName, string? declaredMediaType) =>
        FormatDetector.Detect(content, fileName, declaredMediaType);

    /// <summary>Throws the reason a person would need when <paramref name="mediaType"/> cannot be read.</summary>
    public void EnsureSupported(string mediaType)
    {
        if (IsSupported(mediaType))
        {
            return;
        }

        throw new DocumentRejectedException(mediaType == MediaTypes.OctetStream
            ? "The file is binary and not in a format Verity reads (it has NUL bytes, or is an archive that is not " +
              "DOCX, XLSX or PPTX). Supported: PDF, DOCX, PPTX, XLSX, CSV, JSON, JSON Lines, HTML, Markdown and plain text."
            : $"The media type '{mediaType}' is not supported.");
    }

    public ParsedDocument Load(
        ReadOnlyMemory<byte> content, string mediaType, DocumentLimits limits, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (content.Length > limits.MaxBytes)
        {
            throw new DocumentRejectedException(
                $"The document is {Ingestion.IngestionService.FormatBytes(content.Length)}; the limit is " +
                $"{Ingestion.IngestionService.FormatBytes(limits.MaxBytes)} (Ingestion:MaxDocumentBytes).");
        }

        EnsureSupported(mediaType);
        if (_loaders.TryGetValue(mediaType, out var loader))
        {
            return loader.Load(content, limits, cancellationToken);
        }

        var text = TextDecoder.Decode(content.Span);
        var sniffed = MediaTypes.Sniff(mediaType, text);
        var parser = ParserFor(sniffed);
        return parser is IBoundedDocumentParser bounded
            ? bounded.Parse(text, limits, cancellationToken)
            : parser.Parse(text);
    }

    /// <summary>Parses already decoded text of a text format.</summary>
    public ParsedDocument Parse(string mediaType, string text) => ParserFor(mediaType).Parse(text);

    private IDocumentParser ParserFor(string mediaType) =>
        _parsers.FirstOrDefault(p => p.CanParse(mediaType))
            ?? throw new DocumentRejectedException($"The media type '{mediaType}' is not supported.");
}
