using Verity.Core.Text;

namespace Verity.Core.Generation.Prompting;

/// <summary>Decides, source by source in rank order, whether a source's evidence text repeats one already kept:
/// identical, contained in it (whitespace aside), or with more than the threshold share of its word trigrams in
/// it. Children of one parent passage share their evidence text, so they collapse to the best-ranked one.</summary>
internal sealed class DuplicateFilter(double threshold)
{
    private const int Shingle = 3;

    private readonly List<Kept> _kept = [];

    public bool IsDuplicate(string context)
    {
        var collapsed = SourceText.Collapse(context);
        if (collapsed.Length == 0)
        {
            return true;
        }

        var words = Terms.Words(collapsed);
        var shingles = Shingles(words, Math.Min(Shingle, words.Count));
        foreach (var kept in _kept)
        {
            if (kept.Collapsed.Contains(collapsed, StringComparison.Ordinal))
            {
                return true;
            }

            // Texts too short for trigrams (a heading, a name) compare by their words.
            var theirs = words.Count >= Shingle ? kept.Trigrams : Shingles(kept.Words, words.Count);
            if (shingles.Count > 0 && shingles.Count(theirs.Contains) > threshold * shingles.Count)
            {
                return true;
            }
        }

        return false;
    }

    public void Add(string context)
    {
        var collapsed = SourceText.Collapse(context);
        var words = Terms.Words(collapsed);
        _kept.Add(new Kept(collapsed, words, Shingles(words, Shingle)));
    }

    private static HashSet<string> Shingles(List<string> words, int size)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (size == 0)
        {
            return set;
        }

        for (var i = 0; i + size <= words.Count; i++)
        {
            set.Add(string.Join(' ', words.GetRange(i, size)));
        }

        return set;
    }

    private sealed record Kept(string Collapsed, List<string> Words, HashSet<string> Trigrams);
}
