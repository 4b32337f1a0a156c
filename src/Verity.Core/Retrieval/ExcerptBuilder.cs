using System.Text;
using Verity.Core.Text;

namespace Verity.Core.Retrieval;

/// <summary>Picks the window of a chunk with the most query terms and marks them with <c>**</c>.</summary>
public static class ExcerptBuilder
{
    public static string Build(string text, IReadOnlyCollection<string> queryStems, int maxChars = 240)
    {
        var spans = WordSpans(text);
        if (spans.Count == 0)
        {
            return "";
        }

        var hits = spans.Select(s => queryStems.Contains(Terms.Stem(text.Substring(s.Start, s.Length).ToLowerInvariant()))).ToArray();

        // Slide a window of words that fits maxChars and keep the one with the most hits.
        int bestStart = 0, bestEnd = 0, bestHits = -1, end = 0, windowHits = 0;
        for (var start = 0; start < spans.Count; start++)
        {
            while (end < spans.Count && spans[end].Start + spans[end].Length - spans[start].Start <= maxChars)
            {
                windowHits += hits[end] ? 1 : 0;
                end++;
            }

            if (windowHits > bestHits)
            {
                (bestStart, bestEnd, bestHits) = (start, end, windowHits);
            }

            windowHits -= hits[start] && start < end ? 1 : 0;
            if (end == start)
            {
                end++;
            }
        }

        bestEnd = Math.Max(bestEnd, bestStart + 1);
        var builder = new StringBuilder();
        var from = spans[bestStart].Start;
        if (bestStart > 0)
        {
            builder.Append('…');
        }

        var cursor = from;
        for (var i = bestStart; i < bestEnd; i++)
        {
            var span = spans[i];
            builder.Append(text, cursor, span.Start - cursor);
            // Only a single word longer than the whole excerpt (a hash, a blob) is cut here.
            var length = Math.Min(span.Length, maxChars);
            if (hits[i])
            {
                builder.Append("**").Append(text, span.Start, length).Append("**");
            }
            else
            {
                builder.Append(text, span.Start, length);
            }

            cursor = span.Start + length;
        }

        // The ellipsis marks cut words, not the punctuation after the last word, which is kept when it fits.
        if (bestEnd < spans.Count || cursor < spans[bestEnd - 1].Start + spans[bestEnd - 1].Length)
        {
            builder.Append('…');
        }
        else if (text.Length - from <= maxChars)
        {
            builder.Append(text.AsSpan(cursor).TrimEnd());
        }

        return builder.ToString().ReplaceLineEndings(" ");
    }

    private static List<(int Start, int Length)> WordSpans(string text)
    {
        var spans = new List<(int, int)>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                spans.Add((start, i - start));
                start = -1;
            }
        }

        return spans;
    }
}
