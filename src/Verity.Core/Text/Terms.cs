using System.Collections.Frozen;
using System.Text;

namespace Verity.Core.Text;

/// <summary>Word-level analysis shared by the hashing embedder, excerpts and the extractive answerer: lower-cased
/// letter/digit runs, an English stop-word list and a light suffix stemmer.</summary>
public static class Terms
{
    private static readonly FrozenSet<string> StopWords = FrozenSet.ToFrozenSet(
    [
        "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did",
        "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "get", "gets", "got",
        "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how",
        "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no",
        "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out",
        "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs",
        "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under",
        "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
        "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "may", "might", "must",
        "shall", "also", "us", "tell", "please", "know", "want", "need", "many", "much", "use", "used", "using",
    ], StringComparer.Ordinal);

    public static bool IsStopWord(string lowerWord) => StopWords.Contains(lowerWord);

    /// <summary>Lower-cased words (letter and digit runs) in order of appearance.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    /// <summary>Stemmed content words: what a question is about.</summary>
    public static List<string> ContentTerms(string text)
    {
        var terms = new List<string>();
        foreach (var word in Words(text))
        {
            if (!IsStopWord(word))
            {
                terms.Add(Stem(word));
            }
        }

        return terms;
    }

    /// <summary>A light English stemmer: folds plurals and the commonest verb endings so that "rotates",
    /// "rotated" and "rotating" meet, without Porter's aggressive conflations.</summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || !char.IsLetter(word[^1]))
        {
            return word;
        }

        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4)
        {
            return word[..^3] + "y";
        }

        if (word.EndsWith("sses", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        // As in Porter's step 1b, a verb ending is only stripped when what remains has a vowel ("string" stays),
        // and "-eed" is no past tense ("speed", "need" stay).
        if (word.EndsWith("ing", StringComparison.Ordinal) && word.Length > 5 && HasVowel(word.AsSpan(0, word.Length - 3)))
        {
            return TrimDouble(word[..^3]);
        }

        if (word.EndsWith("ed", StringComparison.Ordinal) && word.Length > 4 && word[^3] != 'e' && HasVowel(word.AsSpan(0, word.Length - 2)))
        {
            return TrimDouble(word[..^2]);
        }

        if (word.EndsWith("es", StringComparison.Ordinal) && word.Length > 4 && IsSibilant(word[^3]))
        {
            return word[..^2];
        }

        if (word[^1] == 's' && word[^2] != 's' && word[^2] != 'u' && word[^2] != 'i')
        {
            return DropFinalE(word[..^1]);
        }

        return DropFinalE(word);
    }

    // "rotate" and "rotates" must meet "rotated" and "rotating", whose endings took the e with them.
    private static string DropFinalE(string word) => word.Length > 3 && word[^1] == 'e' ? word[..^1] : word;

    private static readonly System.Buffers.SearchValues<char> Vowels = System.Buffers.SearchValues.Create("aeiouy");

    private static bool HasVowel(ReadOnlySpan<char> stem) => stem.IndexOfAny(Vowels) >= 0;

    private static bool IsSibilant(char c) => c is 's' or 'x' or 'z' or 'h';

    private static string TrimDouble(string stem) =>
        stem.Length > 3 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z') ? stem[..^1] : stem;
}
