using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Ingestion;

public sealed class IngestionOptions
{
    /// <summary>Largest document accepted, in bytes (files) or UTF-8 bytes (posted text).</summary>
    [Range(1, long.MaxValue)]
    public long MaxDocumentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Chunks embedded per call to the embedding generator.</summary>
    [Range(1, 2048)]
    public int EmbeddingBatchSize { get; set; } = 64;
}
