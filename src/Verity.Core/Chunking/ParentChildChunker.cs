using Verity.Core.Documents;
using Verity.Core.Text;

namespace Verity.Core.Chunking;

/// <summary>
/// Small-to-big chunking. Parents are heading-aware passages of up to <see cref="ChunkingOptions.ParentMaxTokens"/>
/// (built like <see cref="StructuredChunker"/>'s chunks); each section's share of a parent is cut into children of up
/// to <see cref="ChunkingOptions.ChildMaxTokens"/> with <see cref="ChunkingOptions.ChildOverlapTokens"/> of overlap.
/// Children are embedded and searched, precise enough to match one fact; the generator reads their parent, large
/// enough to hold the sentences around it. A child never spans two sections, so it keeps its own heading path and
/// page; its <see cref="TextChunk.Parent"/> indexes <see cref="ChunkedDocument.Parents"/>.
/// </summary>
public sealed class ParentChildChunker(ITokenCounter tokens, ChunkingOptions options) : IChunker
{
    public string Version => VersionOf(options);

    // MaxTokens and OverlapTokens are not part of it: this strategy never reads them.
    internal static string VersionOf(ChunkingOptions options) =>
        $"parent-child-v1/{options.ParentMaxTokens}/{options.ChildMaxTokens}/{options.ChildOverlapTokens}";

    public ChunkedDocument ChunkDocument(ParsedDocument document)
    {
        var children = new RecursiveChunker(
            tokens, new ChunkingOptions { MaxTokens = options.ChildMaxTokens, OverlapTokens = options.ChildOverlapTokens });
        var parents = new List<string>();
        var chunks = new List<TextChunk>();
        foreach (var passage in new StructuredPassages(tokens, options.ParentMaxTokens).Build(document))
        {
            var parent = parents.Count;
            parents.Add(passage.Text);
            foreach (var part in passage.Parts)
            {
                foreach (var child in children.ChunkText(part.Text, part.HeadingPath, passage.Page, chunks.Count))
                {
                    chunks.Add(child with { Parent = parent });
                }
            }
        }

        return new ChunkedDocument(chunks, parents);
    }
}
