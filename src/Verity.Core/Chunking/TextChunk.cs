namespace Verity.Core.Chunking;

public sealed record TextChunk(int Ordinal, string Text, string HeadingPath, int TokenCount)
{
    /// <summary>The page or slide of the section the chunk was cut from, when the format has pages.</summary>
    public int? Page { get; init; }

    /// <summary>Index into <see cref="ChunkedDocument.Parents"/> of the larger passage this chunk belongs to
    /// (parent–child chunking); null when the chunk is its own context.</summary>
    public int? Parent { get; init; }
}

/// <summary>The chunks of one document and, for parent–child chunking, the larger parent passages the chunks
/// point into: chunks are searched, parents are what the generator reads.</summary>
public sealed record ChunkedDocument(IReadOnlyList<TextChunk> Chunks, IReadOnlyList<string> Parents);

/// <summary>A chunking strategy. <see cref="Version"/> names the strategy and every setting that changes its
/// output; it is stored with every chunk, and a document chunked under another version is re-chunked on the next
/// sync.</summary>
public interface IChunker
{
    string Version { get; }

    ChunkedDocument ChunkDocument(Documents.ParsedDocument document);
}
