namespace Verity.Core.Documents;

/// <summary>A document reduced to its title and a sequence of sections, each with the path of headings above it.</summary>
public sealed record ParsedDocument(string? Title, IReadOnlyList<DocumentSection> Sections)
{
    public string FullText => string.Join("\n\n", Sections.Select(s => s.Text).Where(t => t.Length > 0));
}

public sealed record DocumentSection(IReadOnlyList<string> HeadingPath, string Text)
{
    public string HeadingPathText => string.Join(" > ", HeadingPath);
}

/// <summary>Turns decoded text of one media type into a <see cref="ParsedDocument"/>.</summary>
public interface IDocumentParser
{
    bool CanParse(string mediaType);

    ParsedDocument Parse(string text);
}
