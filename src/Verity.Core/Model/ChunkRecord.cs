namespace Verity.Core.Model;

/// <summary>A chunk ready to be written: text, position, structure and its embedding.</summary>
public sealed record ChunkRecord(
    int Ordinal,
    string Text,
    string HeadingPath,
    int TokenCount,
    ReadOnlyMemory<float> Embedding);

/// <summary>A chunk read back from the index, with the document fields a result needs.</summary>
public sealed record IndexedChunk
{
    public required string Id { get; init; }
    public required string DocumentId { get; init; }
    public required string DocumentTitle { get; init; }
    public string? DocumentUri { get; init; }
    public required int Ordinal { get; init; }
    public required string Text { get; init; }
    public required string HeadingPath { get; init; }

    public static string MakeId(string documentId, int ordinal) => $"{documentId}#{ordinal}";
}

/// <summary>A chunk with the score one retriever (or the fusion of several) gave it; higher is better.</summary>
public sealed record ScoredChunk(IndexedChunk Chunk, double Score);
