using Verity.Core.Documents;
using Verity.Core.Text;

namespace Verity.Core.Chunking;

/// <summary>
/// Splits each section of a document on the coarsest boundary that makes the pieces fit (paragraphs, then lines,
/// then sentences, then words), then packs consecutive pieces into chunks of at most <see cref="ChunkingOptions.MaxTokens"/>
/// tokens, carrying about <see cref="ChunkingOptions.OverlapTokens"/> tokens of trailing context into the next chunk.
/// Chunks never span sections, so every chunk has one heading path.
/// </summary>
public sealed class RecursiveChunker(ITokenCounter tokens, ChunkingOptions options) : IChunker
{
    private static readonly Func<string, IEnumerable<string>>[] Splitters =
    [
        text => text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        text => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        text => Sentences.Boundary().Split(text).Where(s => s.Length > 0),
        text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries),
    ];

    private static readonly string[] Separators = ["\n\n", "\n", " ", " "];

    public string Version => VersionOf(options);

    public ChunkedDocument ChunkDocument(ParsedDocument document) => new(Chunk(document), []);

    internal static string VersionOf(ChunkingOptions options) => $"recursive-v1/{options.MaxTokens}/{options.OverlapTokens}";

    public IReadOnlyList<TextChunk> Chunk(ParsedDocument document)
    {
        var chunks = new List<TextChunk>();
        foreach (var section in document.Sections)
        {
            if (string.IsNullOrWhiteSpace(section.Text))
            {
                continue;
            }

            var pieces = new List<Piece>();
            Split(section.Text, 0, "", pieces);
            Pack(pieces, section.HeadingPathText, section.Page, chunks);
        }

        return chunks;
    }

    /// <summary>Cuts one text into chunks (no overlap with anything outside it); what the other strategies build on.</summary>
    internal IReadOnlyList<TextChunk> ChunkText(string text, string headingPath, int? page, int firstOrdinal)
    {
        var pieces = new List<Piece>();
        Split(text, 0, "", pieces);
        var chunks = new List<TextChunk>();
        Pack(pieces, headingPath, page, chunks);
        return chunks.Select(c => c with { Ordinal = c.Ordinal + firstOrdinal }).ToList();
    }

    // Each piece remembers the separator that stood before it, so packing restores the original layout.
    private void Split(string text, int level, string joiner, List<Piece> output)
    {
        // Most texts that reach here are far longer than a chunk: the bounded count stops after MaxTokens tokens
        // instead of reading all of them only to learn that they do not fit.
        if (tokens.CountTokensWithin(text, options.MaxTokens) is { } count)
        {
            output.Add(new Piece(text, WithJoiner(count, joiner, text), joiner));
            return;
        }

        if (level == Splitters.Length)
        {
            HardCut(text, joiner, output);
            return;
        }

        var parts = Splitters[level](text).ToList();
        if (parts.Count <= 1)
        {
            Split(text, level + 1, joiner, output);
            return;
        }

        for (var i = 0; i < parts.Count; i++)
        {
            Split(parts[i], level + 1, i == 0 ? joiner : Separators[level], output);
        }
    }

    // A single "word" longer than a chunk (a base64 blob, a minified line): cut it by characters. The size is a
    // guess from the average density, so a denser stretch is cut shorter until it fits; surrogate pairs stay whole.
    private void HardCut(string text, string joiner, List<Piece> output)
    {
        var charsPerToken = Math.Max(1, text.Length / Math.Max(1, tokens.CountTokens(text)));
        var size = Math.Max(1, options.MaxTokens * charsPerToken * 9 / 10);
        for (var start = 0; start < text.Length;)
        {
            var length = Math.Min(size, text.Length - start);
            var part = text.Substring(start, length);
            var count = tokens.CountTokens(part);
            while (count > options.MaxTokens && length > 1)
            {
                length = Math.Max(1, Math.Min(length - 1, (int)((long)length * options.MaxTokens * 9 / 10 / count)));
                part = text.Substring(start, length);
                count = tokens.CountTokens(part);
            }

            if (length > 1 && start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
            {
                length--;
                part = text.Substring(start, length);
                count = tokens.CountTokens(part);
            }

            output.Add(start == 0 ? new Piece(part, WithJoiner(count, joiner, part), joiner) : new Piece(part, count, ""));
            start += length;
        }
    }

    // What a piece costs after the previous one: the separator is in the chunk's text too ("\n\n" is a token of
    // its own, while " " usually merges into the next word's token).
    private int WithJoiner(int count, string joiner, string text) =>
        joiner.Length == 0 ? count : tokens.CountTokens(joiner + text);

    private void Pack(List<Piece> pieces, string headingPath, int? page, List<TextChunk> chunks)
    {
        var current = new List<Piece>();
        var currentTokens = 0;

        foreach (var piece in pieces)
        {
            if (current.Count > 0 && currentTokens + piece.Tokens > options.MaxTokens)
            {
                chunks.Add(Emit(current, headingPath, chunks.Count) with { Page = page });
                var overlap = Overlap(current, options.MaxTokens - piece.Tokens);
                current = overlap;
                currentTokens = overlap.Sum(p => p.Tokens);
            }

            current.Add(piece);
            currentTokens += piece.Tokens;
        }

        if (current.Count > 0)
        {
            chunks.Add(Emit(current, headingPath, chunks.Count) with { Page = page });
        }
    }

    // The trailing pieces of the chunk just emitted that fit in the overlap budget (and still leave room for the
    // next piece). A piece too large to carry whole (a paragraph longer than the budget) gives its trailing
    // lines, sentences or words instead, so that overlap does not vanish when pieces are large.
    private List<Piece> Overlap(List<Piece> emitted, int room)
    {
        var budget = Math.Min(options.OverlapTokens, room);
        var result = new List<Piece>();
        var used = 0;
        for (var i = emitted.Count - 1; i >= 0; i--)
        {
            if (used + emitted[i].Tokens <= budget)
            {
                // The first piece whole would repeat the whole chunk.
                if (i == 0)
                {
                    break;
                }

                result.Insert(0, emitted[i]);
                used += emitted[i].Tokens;
                continue;
            }

            if (Tail(emitted[i].Text, budget - used, 1) is { } tail)
            {
                result.Insert(0, tail);
            }

            break;
        }

        return result;
    }

    // The longest end of a text, cut on the boundaries of the given level or finer, that fits the budget.
    private Piece? Tail(string text, int budget, int level)
    {
        if (budget <= 0 || level >= Splitters.Length)
        {
            return null;
        }

        var parts = Splitters[level](text).ToList();
        if (parts.Count <= 1)
        {
            return Tail(text, budget, level + 1);
        }

        Piece? tail = null;
        var start = text.Length;
        for (var i = parts.Count - 1; i >= 0; i--)
        {
            start = text.AsSpan(0, start).LastIndexOf(parts[i], StringComparison.Ordinal);
            if (start < 0)
            {
                break;
            }

            var candidate = text[start..].Trim();
            if (tokens.CountTokensWithin(candidate, budget) is not { } count)
            {
                break;
            }

            tail = new Piece(candidate, count, "");
        }

        return tail ?? Tail(parts[^1], budget, level + 1);
    }

    private TextChunk Emit(List<Piece> pieces, string headingPath, int ordinal)
    {
        var text = pieces[0].Text;
        for (var i = 1; i < pieces.Count; i++)
        {
            text += pieces[i].Joiner + pieces[i].Text;
        }

        text = text.Trim();
        return new TextChunk(ordinal, text, headingPath, tokens.CountTokens(text));
    }

    // Tokens counts the joiner too (see WithJoiner): packing sums pieces, and the separators are in the chunk's text.
    private readonly record struct Piece(string Text, int Tokens, string Joiner);
}
