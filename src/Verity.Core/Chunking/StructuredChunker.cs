using Verity.Core.Documents;
using Verity.Core.Text;

namespace Verity.Core.Chunking;

/// <summary>
/// Heading-aware chunking: a section that fits <see cref="ChunkingOptions.MaxTokens"/> is one chunk; small sibling
/// sections under the same parent heading are merged into one chunk whose heading path is that parent (their own
/// headings stay in the text as lines); a section too large is cut on paragraph, line, sentence and word boundaries.
/// Every chunk starts with its heading line, no chunk spans two pages, and chunks do not overlap: they follow the
/// document's own boundaries.
/// </summary>
public sealed class StructuredChunker(ITokenCounter tokens, ChunkingOptions options) : IChunker
{
    public string Version => VersionOf(options);

    // OverlapTokens is not part of it: this strategy never reads it.
    internal static string VersionOf(ChunkingOptions options) => $"structured-v1/{options.MaxTokens}";

    public ChunkedDocument ChunkDocument(ParsedDocument document)
    {
        var chunks = new List<TextChunk>();
        foreach (var passage in new StructuredPassages(tokens, options.MaxTokens).Build(document))
        {
            chunks.Add(new TextChunk(chunks.Count, passage.Text, passage.HeadingPath, tokens.CountTokens(passage.Text))
            {
                Page = passage.Page,
            });
        }

        return new ChunkedDocument(chunks, []);
    }
}
