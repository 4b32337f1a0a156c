namespace Verity.Core.Model;

/// <summary>One build of the index with one embedding model and chunking configuration. Queries read the live
/// generation; a re-index builds a new one beside it and promotes it when complete.</summary>
public sealed record IndexGeneration(
    int Id,
    string EmbeddingModel,
    int Dimensions,
    string ChunkerVersion,
    IndexGenerationState State,
    DateTimeOffset CreatedAt);

public enum IndexGenerationState
{
    Building,
    Live,
    Retired,
}
