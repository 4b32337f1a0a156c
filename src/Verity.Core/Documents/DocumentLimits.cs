namespace Verity.Core.Documents;

/// <summary>What a loader may spend on one document. Office files are zip archives and PDFs can claim any number of
/// pages, so the limits are checked before anything is expanded, not after.</summary>
public sealed record DocumentLimits
{
    public static readonly DocumentLimits Default = new();

    /// <summary>Largest input accepted, in bytes.</summary>
    public long MaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>PDFs with more pages are refused.</summary>
    public int MaxPages { get; init; } = 2000;

    /// <summary>Archives (DOCX, XLSX, PPTX) with more entries are refused.</summary>
    public int MaxArchiveEntries { get; init; } = 10_000;

    /// <summary>The most an archive may expand to, all entries together, in bytes.</summary>
    public long MaxExpandedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>The most one archive entry may expand relative to its compressed size; zip bombs use 1000:1 and more.</summary>
    public int MaxCompressionRatio { get; init; } = 200;

    /// <summary>Rows read from one sheet or CSV file.</summary>
    public int MaxRows { get; init; } = 200_000;
}
