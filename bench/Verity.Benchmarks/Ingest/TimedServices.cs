using System.Diagnostics;
using Microsoft.Extensions.AI;
using Verity.Core.Chunking;
using Verity.Core.Connectors;
using Verity.Core.Documents;
using Verity.Core.Text;

namespace Verity.Benchmarks.Ingest;

/// <summary>Times every document the loader reads and counts the text it extracts.</summary>
internal sealed class TimedLoader(IDocumentLoader inner, StageTimings timings) : IDocumentLoader
{
    public IReadOnlyCollection<string> MediaTypes => inner.MediaTypes;

    public ParsedDocument Load(ReadOnlyMemory<byte> content, DocumentLimits limits, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var parsed = inner.Load(content, limits, cancellationToken);
        timings.Add(Stage.Parse, started);
        timings.AddText(parsed.FullText.Length);
        return parsed;
    }
}

/// <summary>Times a text parser. It is always bounded, because <see cref="DocumentFormats"/> prefers the bounded
/// overload; for a parser that is not, that overload calls the plain one, as the format registry would.</summary>
internal sealed class TimedParser(IDocumentParser inner, StageTimings timings) : IBoundedDocumentParser
{
    public bool CanParse(string mediaType) => inner.CanParse(mediaType);

    public ParsedDocument Parse(string text) => Time(() => inner.Parse(text));

    public ParsedDocument Parse(string text, DocumentLimits limits, CancellationToken cancellationToken) =>
        Time(() => inner is IBoundedDocumentParser bounded ? bounded.Parse(text, limits, cancellationToken) : inner.Parse(text));

    private ParsedDocument Time(Func<ParsedDocument> parse)
    {
        var started = Stopwatch.GetTimestamp();
        var parsed = parse();
        timings.Add(Stage.Parse, started);
        timings.AddText(parsed.FullText.Length);
        return parsed;
    }
}

internal sealed class TimedChunker(IChunker inner, StageTimings timings) : IChunker
{
    public string Version => inner.Version;

    public ChunkedDocument ChunkDocument(ParsedDocument document)
    {
        var started = Stopwatch.GetTimestamp();
        var chunked = inner.ChunkDocument(document);
        timings.Add(Stage.Chunk, started);
        timings.AddChunks(chunked.Chunks.Count, chunked.Chunks.Sum(c => (long)c.TokenCount));
        return chunked;
    }
}

internal sealed class TimedTokenCounter(ITokenCounter inner, StageTimings timings) : ITokenCounter
{
    public string Name => inner.Name;

    public int CountTokens(string text)
    {
        var started = Stopwatch.GetTimestamp();
        var count = inner.CountTokens(text);
        timings.AddTokenCount(started, text.Length);
        return count;
    }

    // Timed like a full count; the characters recorded are those offered, an upper bound on those read.
    public int? CountTokensWithin(string text, int limit)
    {
        var started = Stopwatch.GetTimestamp();
        var count = inner.CountTokensWithin(text, limit);
        timings.AddTokenCount(started, text.Length);
        return count;
    }
}

internal sealed class TimedEmbedder(IEmbeddingGenerator<string, Embedding<float>> inner, StageTimings timings)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var embeddings = await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        timings.Add(Stage.Embed, started);
        return embeddings;
    }
}

internal sealed class TimedConnector(ISourceConnector inner, StageTimings timings) : ISourceConnector
{
    public string Id => inner.Id;

    public string Kind => inner.Kind;

    public async Task<SourceScan> ScanAsync(ScanContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var scan = await inner.ScanAsync(context, cancellationToken).ConfigureAwait(false);
        timings.Add(Stage.Scan, started);
        return scan;
    }
}
