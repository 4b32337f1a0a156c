using Verity.Core.Text;

namespace Verity.Benchmarks.Synthetic;

/// <summary>
/// A deterministic vocabulary ranked by frequency: common English function words first, then invented words
/// built from syllables, sampled with Zipf-like probabilities (p(rank) ∝ 1 / (rank + 1)^s). Invented words keep
/// the benchmark free of any external word list while still giving the embedder and FTS5 realistic term
/// statistics: a few very frequent terms, a long tail of rare ones.
/// </summary>
public sealed class Vocabulary
{
    // Real function words at the top ranks, so that stop-word handling (embedder weights, FTS query building)
    // is exercised as with real text.
    private static readonly string[] FunctionWords =
    [
        "the", "of", "and", "to", "a", "in", "is", "for", "that", "on", "with", "as", "by", "it", "be", "are",
        "this", "from", "or", "at", "an", "was", "not", "can", "which", "all", "will", "if", "has", "each", "when",
        "more", "other", "into", "after", "before", "than", "only", "must", "should", "between", "every", "any",
        "under", "over", "about", "while", "also", "then", "their",
    ];

    private static readonly string[] Onsets =
    [
        "b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "h", "j", "k", "l", "m", "n",
        "p", "pl", "pr", "qu", "r", "s", "sc", "sh", "sl", "sp", "st", "t", "th", "tr", "v", "w", "z",
    ];

    private static readonly string[] Nuclei = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"];

    private static readonly string[] Codas = ["", "", "", "n", "r", "s", "t", "l", "m", "nd", "rk", "st", "x", "ck"];

    private readonly string[] _words;
    private readonly double[] _cumulative;

    public Vocabulary(int size, int seed, double exponent = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, FunctionWords.Length + 100);
        var random = new Random(seed);
        var words = new List<string>(size);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in FunctionWords)
        {
            words.Add(word);
            seen.Add(word);
        }

        while (words.Count < size)
        {
            // Frequent words are short and rare ones long, as in natural language (Zipf's law of abbreviation).
            var syllables = words.Count < 400 ? random.Next(1, 3) : words.Count < 2000 ? random.Next(2, 4) : random.Next(2, 5);
            var word = string.Concat(Enumerable.Range(0, syllables).Select(_ =>
                Onsets[random.Next(Onsets.Length)] + Nuclei[random.Next(Nuclei.Length)] + Codas[random.Next(Codas.Length)]));
            // Invented words must not collide with the stop-word list or each other (after stemming), or the
            // corpus would have fewer distinct terms than it claims.
            if (word.Length >= 3 && !Terms.IsStopWord(word) && seen.Add(word) && seen.Add("stem:" + Terms.Stem(word)))
            {
                words.Add(word);
            }
        }

        _words = [.. words];
        _cumulative = new double[size];
        var total = 0.0;
        for (var rank = 0; rank < size; rank++)
        {
            total += 1.0 / Math.Pow(rank + 1, exponent);
            _cumulative[rank] = total;
        }

        for (var rank = 0; rank < size; rank++)
        {
            _cumulative[rank] /= total;
        }
    }

    public int Count => _words.Length;

    /// <summary>Ranks below this are function words; content words (what queries are made of) start here.</summary>
    public static int ContentStart => FunctionWords.Length;

    public string this[int rank] => _words[rank];

    /// <summary>A word drawn with its Zipf probability.</summary>
    public string Sample(Random random) => _words[SampleRank(random)];

    /// <summary>A content word drawn with its Zipf probability among content words: the kind of word a user types
    /// into a search box, with the frequency it has in the corpus.</summary>
    public string SampleContent(Random random)
    {
        while (true)
        {
            var rank = SampleRank(random);
            if (rank >= ContentStart)
            {
                return _words[rank];
            }
        }
    }

    private int SampleRank(Random random)
    {
        var index = Array.BinarySearch(_cumulative, random.NextDouble());
        return Math.Min(index < 0 ? ~index : index, _words.Length - 1);
    }
}
