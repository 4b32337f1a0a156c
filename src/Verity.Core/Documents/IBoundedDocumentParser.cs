namespace Verity.Core.Documents;

/// <summary>A text parser whose work grows with its input (rows, records) and so takes the limits and the
/// cancellation token of the load, like an <see cref="IDocumentLoader"/>. <see cref="DocumentFormats"/> prefers
/// this overload; <see cref="IDocumentParser.Parse(string)"/> uses the parser's own defaults.</summary>
public interface IBoundedDocumentParser : IDocumentParser
{
    ParsedDocument Parse(string text, DocumentLimits limits, CancellationToken cancellationToken);
}
