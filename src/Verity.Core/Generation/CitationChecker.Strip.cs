using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Verity.Core.Generation;

/// <param name="Text">The answer without the markers that point to no source.</param>
/// <param name="Removed">Numbers of the removed markers, each once, in first-use order.</param>
public sealed record CitationStrip(string Text, IReadOnlyList<int> Removed);

public static partial class CitationChecker
{
    /// <summary>
    /// Removes citation markers that point to no source (<c>[0]</c>, or past <paramref name="sourceCount"/>), keeping
    /// the valid ones of the same group (<c>[2][9]</c> becomes <c>[2]</c>) and the spacing readable: a removed group
    /// takes the space before it when punctuation or the end follows ("fact [9]." becomes "fact."), and leaves one
    /// separator (a line break if there was one) between words.
    /// </summary>
    public static CitationStrip StripInvalid(string answer, int sourceCount)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var removed = new List<int>();
        return new CitationStrip(Strip(answer, sourceCount, atStart: true, removed), removed);
    }

    /// <summary>
    /// <see cref="StripInvalid"/> of a piece of an answer. Every decision looks only at a marker group, the whitespace
    /// around it and the character after that, so a text cut where <see cref="HoldbackStart"/> says strips piece by
    /// piece exactly as it does whole. <paramref name="atStart"/>: nothing of the answer precedes the piece.
    /// </summary>
    internal static string Strip(string text, int sourceCount, bool atStart, List<int> removed)
    {
        StringBuilder? output = null;
        var position = 0;
        foreach (Match group in CitationGroup().Matches(text))
        {
            var markers = Marker().Matches(group.Value);
            var invalid = markers.Where(m => !IsValid(m, sourceCount)).ToList();
            if (invalid.Count == 0)
            {
                continue;
            }

            foreach (var n in invalid.Select(Number).Where(n => !removed.Contains(n)))
            {
                removed.Add(n);
            }

            output ??= new StringBuilder(text.Length);
            output.Append(text, position, group.Index - position);
            var before = group.Value[..markers[0].Index];
            var end = group.Index + group.Length;
            if (invalid.Count < markers.Count)
            {
                output.Append(before);
                foreach (var marker in markers.Where(m => IsValid(m, sourceCount)))
                {
                    output.Append(marker.Value);
                }

                position = end;
                continue;
            }

            var next = end;
            while (next < text.Length && char.IsWhiteSpace(text[next]))
            {
                next++;
            }

            var after = text[end..next];
            if (next == text.Length || IsClosing(text[next]))
            {
                output.Append(after);
            }
            else if (group.Index == 0 && atStart)
            {
                output.Append(after.TrimStart(' ', '\t'));
            }
            else
            {
                output.Append(before.Contains('\n', StringComparison.Ordinal) ? before
                    : after.Contains('\n', StringComparison.Ordinal) ? after
                    : before.Length > 0 ? before : after);
            }

            position = next;
        }

        return output is null ? text : output.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>
    /// Where the undecided end of a streamed text starts: trailing whitespace and complete markers (a group may go
    /// on, or be removed with the space before it) and a final <c>[</c> with up to four digits (it may become a
    /// marker). Everything before it can be stripped and emitted now; the character just before it is never
    /// whitespace nor part of a marker.
    /// </summary>
    internal static int HoldbackStart(string text)
    {
        var start = text.Length;
        var digits = start;
        while (digits > 0 && start - digits < 4 && char.IsAsciiDigit(text[digits - 1]))
        {
            digits--;
        }

        if (digits > 0 && text[digits - 1] == '[')
        {
            start = digits - 1;
        }

        while (true)
        {
            var end = start;
            while (end > 0 && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }

            if (end > 0 && text[end - 1] == ']')
            {
                var first = end - 1;
                while (first > 0 && end - 1 - first < 4 && char.IsAsciiDigit(text[first - 1]))
                {
                    first--;
                }

                if (first < end - 1 && first > 0 && text[first - 1] == '[')
                {
                    start = first - 1;
                    continue;
                }
            }

            return end;
        }
    }

    private static int Number(Match marker) => int.Parse(marker.Groups[1].ValueSpan, CultureInfo.InvariantCulture);

    private static bool IsValid(Match marker, int sourceCount) => Number(marker) is var n && n >= 1 && n <= sourceCount;

    // Punctuation that attaches to the word before it, so a removed marker must not leave a space in front of it.
    private static bool IsClosing(char c) => c is '.' or ',' or ';' or ':' or '!' or '?' or ')' or ']' or '}' or '…' or '”' or '’' or '»';
}
