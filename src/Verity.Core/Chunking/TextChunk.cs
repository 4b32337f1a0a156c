namespace Verity.Core.Chunking;

public sealed record TextChunk(int Ordinal, string Text, string HeadingPath, int TokenCount);
