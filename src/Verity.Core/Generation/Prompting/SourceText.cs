using System.Text;
using System.Text.RegularExpressions;
using Verity.Core.Text;

namespace Verity.Core.Generation.Prompting;

/// <summary>Text operations behind the source blocks of a prompt: neutralising forged tags, trimming the overlap
/// a source repeats from an earlier one, and finding where a source may be cut.</summary>
internal static partial class SourceText
{
    // Shorter repeats are coincidence (a shared phrase), not chunk overlap.
    private const int MinOverlapChars = 32;

    /// <summary>Document text must not be able to close its block or open a forged one: any <c>&lt;source</c> or
    /// <c>&lt;/source</c> (any case, look-alike brackets, spaces or invisible characters inside) loses its bracket.</summary>
    public static string Neutralise(string text) => SourceTag().Replace(text, "&lt;");

    /// <summary>An attribute value that cannot end the attribute or the tag, nor start a tag, on one line.</summary>
    public static string Attribute(string value) =>
        Neutralise(value).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).ReplaceLineEndings(" ").Trim();

    /// <summary>
    /// The text without the start it shares with the end of an earlier passage (the chunk after it in the
    /// document) and without the end it shares with the start of one (the chunk before it). Only repeats that
    /// begin or end at whitespace count, so a trimmed text never starts or ends inside a word.
    /// </summary>
    public static string TrimOverlap(string text, IEnumerable<string> earlier)
    {
        int head = 0, tail = 0;
        foreach (var other in earlier)
        {
            head = Math.Max(head, Overlap(text, other, atStart: true));
            tail = Math.Max(tail, Overlap(text, other, atStart: false));
        }

        if (head == 0 && tail == 0)
        {
            return text;
        }

        return head + tail >= text.Length ? "" : text[head..^tail].Trim();
    }

    // Longest border between text and other, via the KMP prefix function of pattern + separator + subject: with
    // atStart, a prefix of text that is a suffix of other; otherwise a suffix of text that is a prefix of other.
    private static int Overlap(string text, string other, bool atStart)
    {
        var pattern = atStart ? text : other;
        var subject = atStart ? other : text;
        var combined = string.Concat(pattern, "\0", subject);
        var pi = new int[combined.Length];
        for (var i = 1; i < combined.Length; i++)
        {
            var k = pi[i - 1];
            while (k > 0 && combined[i] != combined[k])
            {
                k = pi[k - 1];
            }

            pi[i] = combined[i] == combined[k] ? k + 1 : k;
        }

        // Walk the borders from the longest down to one that ends at whitespace inside the text (and that does not
        // run through the separator, should a document contain one).
        for (var length = pi[^1]; length >= MinOverlapChars; length = pi[length - 1])
        {
            if (length > Math.Min(pattern.Length, subject.Length))
            {
                continue;
            }

            var cut = atStart ? length : text.Length - length;
            if (cut <= 0 || cut >= text.Length || char.IsWhiteSpace(text[cut]) || char.IsWhiteSpace(text[cut - 1]))
            {
                return length;
            }
        }

        return 0;
    }

    /// <summary>Positions where the text may be cut, ascending: sentence and line ends, or, when
    /// <paramref name="words"/>, every word end.</summary>
    public static List<int> CutPoints(string text, bool words)
    {
        var cuts = new SortedSet<int>();
        if (words)
        {
            for (var i = 1; i < text.Length; i++)
            {
                if (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1]))
                {
                    cuts.Add(i);
                }
            }
        }
        else
        {
            foreach (Match boundary in Sentences.Boundary().Matches(text))
            {
                cuts.Add(boundary.Index);
            }

            for (var i = text.IndexOf('\n', StringComparison.Ordinal); i > 0; i = text.IndexOf('\n', i + 1))
            {
                cuts.Add(text.AsSpan(0, i).TrimEnd().Length);
            }
        }

        cuts.Remove(0);
        return [.. cuts];
    }

    /// <summary>Whitespace runs collapsed to one space, for containment checks that ignore layout.</summary>
    public static string Collapse(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.AsSpan().Trim())
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
            else if (builder[^1] != ' ')
            {
                builder.Append(' ');
            }
        }

        return builder.ToString();
    }

    // "<" or a look-alike, then an optional "/", then "source", with whitespace and invisible format characters
    // (zero-width spaces and joiners) allowed anywhere in between.
    [GeneratedRegex(@"[<\uFF1C\uFE64\u2039\u3008\u27E8](?=[\s\p{Cf}]*/?[\s\p{Cf}]*s\p{Cf}*o\p{Cf}*u\p{Cf}*r\p{Cf}*c\p{Cf}*e)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SourceTag();
}
