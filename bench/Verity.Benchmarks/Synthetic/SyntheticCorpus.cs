namespace Verity.Benchmarks.Synthetic;

/// <summary>
/// An unbounded, deterministic corpus of documents made of chunks. Every title, heading and chunk is drawn from
/// its own generator seeded by (corpus seed, document, ordinal), so any chunk can be produced on any thread in any
/// order and the corpus is the same on every run.
/// </summary>
public sealed class SyntheticCorpus(TextGenerator generator, int seed, int chunksPerDocument)
{
    // Prose words per chunk. Invented words cost ~2.5 o200k tokens each (English words ~1.3), so this range gives
    // chunks of roughly 100–300 tokens, the size the chunker produces from real documents with its default
    // 400-token ceiling.
    public const int MinWords = 40;
    public const int MaxWords = 120;

    // Consecutive chunks share a section heading, as chunks cut from one section do.
    private const int ChunksPerSection = 6;

    public int ChunksPerDocument => chunksPerDocument;

    public TextGenerator Generator => generator;

    public static string DocumentId(int document) => $"synthetic/doc-{document:D7}.md";

    public string Title(int document) => generator.Heading(Seeded(document, -1), 3, 6);

    public (string Text, string HeadingPath) Chunk(int document, int ordinal, string title)
    {
        var section = generator.Heading(Seeded(document, -2 - (ordinal / ChunksPerSection)));
        var random = Seeded(document, ordinal);
        var text = generator.Prose(random, random.Next(MinWords, MaxWords + 1));
        return (text, $"{title} > {section}");
    }

    /// <summary>The generator queries are drawn from: seeded, and apart from every chunk's.</summary>
    public Random QueryRandom() => new(Mix(seed, int.MaxValue, int.MaxValue));

    private Random Seeded(int document, int ordinal) => new(Mix(seed, document, ordinal));

    // HashCode.Combine is randomised per process; this mix is stable across runs.
    private static int Mix(int seed, int document, int ordinal)
    {
        var h = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
        h ^= (ulong)(uint)document * 0xC2B2AE3D27D4EB4FUL;
        h ^= (ulong)(uint)ordinal * 0x165667B19E3779F9UL;
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 32;
        return (int)h;
    }
}
