using System.Text.RegularExpressions;
using Verity.Core.Retrieval;
using Verity.Core.Text;

namespace Verity.Core.Generation;

/// <param name="Sentences">Answer sentences with at least one content word.</param>
/// <param name="CitedSentences">Of those, the ones followed by at least one valid <c>[n]</c>.</param>
/// <param name="SupportedSentences">Of those, the ones whose content words the cited chunks contain (enough of).</param>
/// <param name="InvalidCitations">Markers that point to no source (<c>[0]</c>, or past the last source).</param>
/// <param name="Cited">Valid source numbers cited, in first-use order.</param>
public sealed record CitationReport(int Sentences, int CitedSentences, int SupportedSentences, int InvalidCitations, IReadOnlyList<int> Cited)
{
    /// <summary>The numbers of the invalid markers, each once, in first-use order.</summary>
    public IReadOnlyList<int> InvalidNumbers { get; init; } = [];

    /// <summary>Share of sentences that carry at least one valid citation; 1 for an answer with no sentences.</summary>
    public double CitedShare => Sentences == 0 ? 1 : (double)CitedSentences / Sentences;

    /// <summary>Share of sentences a cited source supports; 1 for an answer with no sentences to check.</summary>
    public double SupportedShare => Sentences == 0 ? 1 : (double)SupportedSentences / Sentences;
}

/// <summary>
/// Checks an answer against the sources it was given: every <c>[n]</c> must point to a source, and every
/// sentence should be supported by a source it cites — most of its content words occur in the cited chunk (or the
/// parent passage it stands for). Works for any generator's output (extractive or a model's), so it can judge both.
/// </summary>
public static partial class CitationChecker
{
    public const double DefaultMinSupport = 0.6;

    public static CitationReport Check(string answer, IReadOnlyList<SearchResult> sources, double minSupport = DefaultMinSupport)
    {
        int sentences = 0, cited = 0, supported = 0, invalid = 0;
        var citedSources = new List<int>();
        var invalidNumbers = new List<int>();
        var start = 0;

        void Judge(string segment, IReadOnlyList<int> numbers)
        {
            var valid = numbers.Where(n => n >= 1 && n <= sources.Count).Distinct().ToList();
            invalid += numbers.Count - numbers.Count(n => n >= 1 && n <= sources.Count);
            foreach (var n in numbers.Where(n => (n < 1 || n > sources.Count) && !invalidNumbers.Contains(n)))
            {
                invalidNumbers.Add(n);
            }

            foreach (var n in valid.Where(n => !citedSources.Contains(n)))
            {
                citedSources.Add(n);
            }

            // The evidence is what the generator was given: the parent passage when the chunk has one.
            var evidence = valid
                .SelectMany(n => Terms.ContentTerms($"{sources[n - 1].Chunk.DocumentTitle}\n{sources[n - 1].Chunk.HeadingPath}\n{sources[n - 1].Chunk.Context}"))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var sentence in Text.Sentences.Split(segment))
            {
                var terms = Terms.ContentTerms(sentence).Distinct(StringComparer.Ordinal).ToList();
                if (terms.Count == 0)
                {
                    continue;
                }

                sentences++;
                if (valid.Count == 0)
                {
                    continue;
                }

                cited++;
                if (terms.Count(evidence.Contains) >= minSupport * terms.Count)
                {
                    supported++;
                }
            }
        }

        // A group of markers cites the text between the previous group and itself.
        foreach (Match group in CitationGroup().Matches(answer))
        {
            var numbers = Marker().Matches(group.Value).Select(m => int.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Judge(answer[start..group.Index], numbers);
            start = group.Index + group.Length;
        }

        Judge(answer[start..], []);
        return new CitationReport(sentences, cited, supported, invalid, citedSources) { InvalidNumbers = invalidNumbers };
    }

    [GeneratedRegex(@"(?:\s*\[[0-9]{1,4}\])+")]
    private static partial Regex CitationGroup();

    [GeneratedRegex(@"\[([0-9]{1,4})\]")]
    private static partial Regex Marker();
}
