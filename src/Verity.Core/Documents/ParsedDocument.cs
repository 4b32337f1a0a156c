namespace Verity.Core.Documents;

/// <summary>A document reduced to its title, its properties and a sequence of sections, each with the path of
/// headings above it.</summary>
public sealed record ParsedDocument(string? Title, IReadOnlyList<DocumentSection> Sections)
{
    /// <summary>What the file says about itself (author, dates, custom fields); empty when it says nothing.</summary>
    public DocumentProperties Properties { get; init; } = DocumentProperties.None;

    public string FullText => string.Join("\n\n", Sections.Select(s => s.Text).Where(t => t.Length > 0));
}

public sealed record DocumentSection(IReadOnlyList<string> HeadingPath, string Text)
{
    /// <summary>The 1-based page (PDF) or slide (PPTX) the section comes from; null for formats without pages.
    /// Chunks never span sections, so a citation can name the page.</summary>
    public int? Page { get; init; }

    public string HeadingPathText => string.Join(" > ", HeadingPath);
}

/// <summary>Properties a format records about the document itself.</summary>
public sealed record DocumentProperties
{
    public static readonly DocumentProperties None = new();

    public string? Author { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? Modified { get; init; }

    /// <summary>Further fields the loader extracted (e.g. the configured metadata fields of a JSON document).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = Model.DocumentRecord.EmptyMetadata;
}

/// <summary>Turns decoded text of one media type into a <see cref="ParsedDocument"/>.</summary>
public interface IDocumentParser
{
    bool CanParse(string mediaType);

    ParsedDocument Parse(string text);
}

/// <summary>Turns the bytes of a binary format (PDF, DOCX, XLSX, …) into a <see cref="ParsedDocument"/>. A loader
/// checks <paramref name="limits"/> itself (pages, archive entries, expansion) and refuses with
/// <see cref="DocumentRejectedException"/>; it observes <paramref name="cancellationToken"/> between units of work
/// (pages, parts, rows), which is how the time limit per document is enforced.</summary>
public interface IDocumentLoader
{
    IReadOnlyCollection<string> MediaTypes { get; }

    ParsedDocument Load(ReadOnlyMemory<byte> content, DocumentLimits limits, CancellationToken cancellationToken);
}
