using System.Collections.Concurrent;
using System.Diagnostics;

namespace Verity.Benchmarks.Ingest;

/// <summary>The parts of an ingest that are timed separately.</summary>
internal enum Stage
{
    /// <summary>Listing the folder and comparing it with the fingerprints in the index.</summary>
    Scan,

    /// <summary>The durable job store: creating the job, leasing and completing items, progress polls.</summary>
    Queue,

    /// <summary>PDF and Office loaders, text-format parsers (bytes or decoded text to sections).</summary>
    Parse,

    /// <summary>The chunker, token counting included.</summary>
    Chunk,

    /// <summary>The o200k token counter, called by the chunker (so also part of <see cref="Chunk"/>).</summary>
    TokenCount,

    Embed,

    /// <summary><c>UpsertDocumentAsync</c>: the one transaction that writes a document with its chunks, FTS rows
    /// and vectors (and waits for the single SQLite writer).</summary>
    StoreWrite,

    /// <summary>Every other index call (the existing-document look-ups before a write).</summary>
    StoreRead,

    /// <summary>From an item's lease to its completion: everything the worker does for one document.</summary>
    Item,
}

/// <summary>Accumulates time per <see cref="Stage"/> from any number of threads, plus what the text passing through
/// amounts to (characters parsed out, chunks and tokens cut).</summary>
internal sealed class StageTimings
{
    private readonly long[] _ticks = new long[Enum.GetValues<Stage>().Length];
    private readonly ConcurrentDictionary<long, long> _leasedAt = new();
    private long _textChars;
    private long _chunks;
    private long _tokens;
    private long _countCalls;
    private long _countedChars;

    public void Add(Stage stage, long startedTimestamp) =>
        Interlocked.Add(ref _ticks[(int)stage], Stopwatch.GetTimestamp() - startedTimestamp);

    public void AddText(long characters) => Interlocked.Add(ref _textChars, characters);

    public void AddChunks(int chunks, long tokens)
    {
        Interlocked.Add(ref _chunks, chunks);
        Interlocked.Add(ref _tokens, tokens);
    }

    /// <summary>One call of the token counter over <paramref name="characters"/> characters.</summary>
    public void AddTokenCount(long startedTimestamp, int characters)
    {
        Add(Stage.TokenCount, startedTimestamp);
        Interlocked.Increment(ref _countCalls);
        Interlocked.Add(ref _countedChars, characters);
    }

    public void ItemLeased(long itemId) => _leasedAt[itemId] = Stopwatch.GetTimestamp();

    public void ItemEnded(long itemId)
    {
        if (_leasedAt.TryRemove(itemId, out var leased))
        {
            Add(Stage.Item, leased);
        }
    }

    public StageBreakdown Snapshot() => new(
        Seconds(Stage.Scan), Seconds(Stage.Queue), Seconds(Stage.Item), Seconds(Stage.Parse), Seconds(Stage.Chunk),
        Seconds(Stage.TokenCount), Seconds(Stage.Embed), Seconds(Stage.StoreWrite), Seconds(Stage.StoreRead),
        Interlocked.Read(ref _textChars), Interlocked.Read(ref _chunks), Interlocked.Read(ref _tokens))
    {
        TokenCountCalls = Interlocked.Read(ref _countCalls),
        CountedChars = Interlocked.Read(ref _countedChars),
    };

    private double Seconds(Stage stage) => Interlocked.Read(ref _ticks[(int)stage]) / (double)Stopwatch.Frequency;
}

/// <summary>Seconds spent per stage, summed over the worker's lanes (two by default, so the stages of a run can add up
/// to twice its wall time). <see cref="Other"/> is the rest of the item time: reading the file, the SHA-256
/// fingerprint, text normalisation and metadata.</summary>
internal sealed record StageBreakdown(
    double Scan, double Queue, double Items, double Parse, double Chunk, double TokenCount, double Embed, double StoreWrite,
    double StoreRead, long TextChars, long Chunks, long Tokens)
{
    /// <summary>Calls of the token counter, and the characters they were given in all (against
    /// <see cref="TextChars"/>: how many times over the chunker counts its text).</summary>
    public long TokenCountCalls { get; init; }

    public long CountedChars { get; init; }

    public double Other => Math.Max(0, Items - Parse - Chunk - Embed - StoreWrite - StoreRead);

    /// <summary>All timed work: the scan, the queue and the items.</summary>
    public double Work => Scan + Queue + Items;

    public double Share(double seconds) => Work > 0 ? seconds / Work : 0;

    public static StageBreakdown Sum(IEnumerable<StageBreakdown> parts) => parts.Aggregate(
        new StageBreakdown(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        (a, b) => new StageBreakdown(
            a.Scan + b.Scan, a.Queue + b.Queue, a.Items + b.Items, a.Parse + b.Parse, a.Chunk + b.Chunk, a.TokenCount + b.TokenCount, a.Embed + b.Embed,
            a.StoreWrite + b.StoreWrite, a.StoreRead + b.StoreRead, a.TextChars + b.TextChars, a.Chunks + b.Chunks, a.Tokens + b.Tokens)
        {
            TokenCountCalls = a.TokenCountCalls + b.TokenCountCalls,
            CountedChars = a.CountedChars + b.CountedChars,
        });
}
