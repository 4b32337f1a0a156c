using System.ComponentModel.DataAnnotations;
using Verity.Core.Documents;

namespace Verity.Core.Ingestion;

public sealed class IngestionOptions
{
    /// <summary>Largest document accepted, in bytes (files) or UTF-8 bytes (posted text).</summary>
    [Range(1, long.MaxValue)]
    public long MaxDocumentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Chunks embedded per call to the embedding generator.</summary>
    [Range(1, 2048)]
    public int EmbeddingBatchSize { get; set; } = 64;

    /// <summary>Longest time one document may take to parse; a document that takes longer is quarantined.</summary>
    public TimeSpan DocumentTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>PDFs with more pages are refused.</summary>
    [Range(1, int.MaxValue)]
    public int MaxPages { get; set; } = 2000;

    /// <summary>DOCX, XLSX and PPTX files (zip archives) with more entries are refused.</summary>
    [Range(1, int.MaxValue)]
    public int MaxArchiveEntries { get; set; } = 10_000;

    /// <summary>The most an archive may expand to, all entries together.</summary>
    [Range(1, long.MaxValue)]
    public long MaxExpandedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The most one archive entry may expand relative to its compressed size.</summary>
    [Range(2, int.MaxValue)]
    public int MaxCompressionRatio { get; set; } = 200;

    /// <summary>Rows read from one sheet or CSV file.</summary>
    [Range(1, int.MaxValue)]
    public int MaxRows { get; set; } = 200_000;

    public DocumentLimits Limits => new()
    {
        MaxBytes = MaxDocumentBytes,
        MaxPages = MaxPages,
        MaxArchiveEntries = MaxArchiveEntries,
        MaxExpandedBytes = MaxExpandedBytes,
        MaxCompressionRatio = MaxCompressionRatio,
        MaxRows = MaxRows,
    };
}
