namespace Verity.Benchmarks.Synthetic;

/// <summary>The corpus shape every benchmark shares, so micro-benchmark and scale figures describe the same text.</summary>
public static class Defaults
{
    public const int Seed = 20_240_611;
    public const int VocabularySize = 5_000;
    public const int ChunksPerDocument = 100;

    private static readonly Lazy<Vocabulary> SharedVocabulary = new(() => new Vocabulary(VocabularySize, Seed));

    public static Vocabulary Vocabulary => SharedVocabulary.Value;

    public static TextGenerator Generator => new(Vocabulary);

    public static SyntheticCorpus Corpus(int chunksPerDocument = ChunksPerDocument) => new(Generator, Seed, chunksPerDocument);
}
