namespace Verity.Core.Documents;

/// <summary>
/// Every format Verity reads, behind one call: bytes in, <see cref="ParsedDocument"/> out. Binary formats go to
/// their <see cref="IDocumentLoader"/>; text formats are decoded (<see cref="TextDecoder"/>) and handed to their
/// <see cref="IDocumentParser"/>.
/// </summary>
public sealed class DocumentFormats
{
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
    public static DocumentFormats CreateDefault() =>
        new([new PlainTextParser(), new MarkdownParser(), new HtmlParser()], []);

    public bool IsSupported(string mediaType) =>
        _loaders.ContainsKey(mediaType) || _parsers.Any(p => p.CanParse(mediaType));

    public IEnumerable<string> SupportedMediaTypes =>
        _loaders.Keys.Concat(MediaTypesOfParsers()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    /// <summary>The media type the content will be read as (see <see cref="FormatDetector"/>).</summary>
    public static string Detect(ReadOnlySpan<byte> content, string? fileName, string? declaredMediaType) =>
        FormatDetector.Detect(content, fileName, declaredMediaType);

    public ParsedDocument Load(
        ReadOnlyMemory<byte> content, string mediaType, DocumentLimits limits, CancellationToken cancellationToken)
    {
        if (content.Length > limits.MaxBytes)
        {
            throw new DocumentRejectedException(
                $"The document is {Ingestion.IngestionService.FormatBytes(content.Length)}; the limit is " +
                $"{Ingestion.IngestionService.FormatBytes(limits.MaxBytes)} (Ingestion:MaxDocumentBytes).");
        }

        if (_loaders.TryGetValue(mediaType, out var loader))
        {
            return loader.Load(content, limits, cancellationToken);
        }

        var text = TextDecoder.Decode(content.Span);
        return Parse(MediaTypes.Sniff(mediaType, text), text);
    }

    /// <summary>Parses already decoded text of a text format.</summary>
    public ParsedDocument Parse(string mediaType, string text)
    {
        var parser = _parsers.FirstOrDefault(p => p.CanParse(mediaType))
            ?? throw new DocumentRejectedException($"The media type '{mediaType}' is not supported.");
        return parser.Parse(text);
    }

    private IEnumerable<string> MediaTypesOfParsers() =>
        new[] { MediaTypes.PlainText, MediaTypes.Markdown, MediaTypes.Html, MediaTypes.Csv, MediaTypes.Json, MediaTypes.JsonLines }
            .Where(t => _parsers.Any(p => p.CanParse(t)));
}
