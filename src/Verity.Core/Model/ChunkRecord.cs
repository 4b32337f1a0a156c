namespace Verity.Core.Model;

/// <summary>A chunk ready to be written: text, position, structure and its embedding.</summary>
public sealed record ChunkRecord(
    int Ordinal,
    string Text,
    string HeadingPath,
    int TokenCount,
    ReadOnlyMemory<float> Embedding)
{
    /// <summary>Page or slide the chunk comes from, when the format has pages.</summary>
    public int? Page { get; init; }

    /// <summary>Index into <see cref="DocumentWrite.Parents"/>: the larger passage handed to the generator.</summary>
    public int? Parent { get; init; }
}

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

    /// <summary>Page or slide (1-based) of the source the chunk comes from, so a citation can say "p. 7".</summary>
    public int? Page { get; init; }

    /// <summary>The larger parent passage (parent–child chunking); null when the chunk is its own context.</summary>
    public string? ParentText { get; init; }

    /// <summary>What a generator should read for this chunk: its parent passage when it has one.</summary>
    public string Context => ParentText ?? Text;

    public static string MakeId(string documentId, int ordinal) => $"{documentId}#{ordinal}";
}

/// <summary>A chunk with the score one retriever (or the fusion of several) gave it; higher is better.</summary>
public sealed record ScoredChunk(IndexedChunk Chunk, double Score);
