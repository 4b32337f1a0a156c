namespace Verity.Core.Documents;

/// <summary>Plain text has no markup; a short first line followed by a blank line is taken as its title.</summary>
public sealed class PlainTextParser : IDocumentParser
{
    public bool CanParse(string mediaType) => mediaType == MediaTypes.PlainText;

    public ParsedDocument Parse(string text)
    {
        var firstBreak = text.IndexOf("\n\n", StringComparison.Ordinal);
        var firstLine = firstBreak > 0 ? text[..firstBreak].Trim() : null;
        var title = firstLine is { Length: > 0 and <= 120 } && !firstLine.Contains('\n', StringComparison.Ordinal)
            ? firstLine
            : null;
        return new ParsedDocument(title, [new DocumentSection([], text.Trim())]);
    }
}
