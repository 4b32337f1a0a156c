using System.Text;
using System.Text.RegularExpressions;
using Verity.Core.Retrieval;
using Verity.Core.Text;

namespace Verity.Core.Generation;

/// <summary>
/// Answers without a model: picks the sentences of the top sources that cover most of the question's content
/// terms and cites each one. Only sources that mention at least <see cref="ExtractiveOptions.MinCoverage"/> of
/// the question's content terms count as evidence, so a question about something the corpus never mentions is
/// answered with "I don't know" instead of sentences that merely share a common word. Among the evidence,
/// sentences are ranked by the question terms they contain, weighted by how rare each is among the candidates.
/// </summary>
public sealed partial class ExtractiveAnswerGenerator(ExtractiveOptions options) : IAnswerGenerator
{
    private const int MinSentenceWords = 4;
    private const int MaxSentenceWords = 90;

    public string Name => "extractive";

    public Task<GeneratedAnswer> GenerateAsync(
        string question, IReadOnlyList<SearchResult> sources, CancellationToken cancellationToken)
    {
        var questionTerms = Terms.ContentTerms(question).Distinct(StringComparer.Ordinal).ToList();
        var candidates = Candidates(sources).ToList();
        if (questionTerms.Count == 0 || candidates.Count == 0)
        {
            return Task.FromResult(NoAnswer());
        }

        var weights = Weights(questionTerms, candidates);
        var total = weights.Values.Sum();

        // The evidence gate counts terms plainly: a source must mention most of what the question is about.
        var coverage = new Dictionary<int, double>();
        foreach (var group in candidates.GroupBy(c => c.Source))
        {
            var contextTerms = group.First().ContextTerms;
            coverage[group.Key] = questionTerms.Count(contextTerms.Contains) / (double)questionTerms.Count;
        }

        var scored = candidates
            .Where(c => coverage[c.Source] >= options.MinCoverage)
            .Select(c => (Candidate: c, Score: Score(c, questionTerms, weights, total)))
            .Where(s => s.Score > 0)
            .OrderByDescending(s => s.Score)
            .ToList();
        if (scored.Count == 0)
        {
            return Task.FromResult(NoAnswer());
        }

        var best = scored[0].Score;
        var chosen = new List<Candidate>();
        foreach (var (candidate, score) in scored)
        {
            if (chosen.Count == options.MaxSentences || score < best * 0.5)
            {
                break;
            }

            if (!chosen.Any(c => NearDuplicate(c.Terms, candidate.Terms)))
            {
                chosen.Add(candidate);
            }
        }

        var text = new StringBuilder();
        var citations = new List<int>();
        foreach (var candidate in chosen)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(candidate.Text).Append(" [").Append(candidate.Source).Append(']');
            if (!citations.Contains(candidate.Source))
            {
                citations.Add(candidate.Source);
            }
        }

        return Task.FromResult(new GeneratedAnswer(text.ToString(), true, citations, Name));
    }

    private GeneratedAnswer NoAnswer() => new(options.NoAnswerText, false, [], Name);

    // Sentences come from what the chunk stands for: its parent passage (parent–child chunking) or its own text.
    // Children of one parent share that passage, so it is read once, for the best-ranked of them, and only
    // distinct passages count towards MaxSources.
    private IEnumerable<Candidate> Candidates(IReadOnlyList<SearchResult> sources)
    {
        var parentsRead = new HashSet<(string DocumentId, string Parent)>();
        for (int i = 0, taken = 0; i < sources.Count && taken < options.MaxSources; i++)
        {
            var chunk = sources[i].Chunk;
            if (chunk.ParentText is { } parent && !parentsRead.Add((chunk.DocumentId, parent)))
            {
                continue;
            }

            taken++;
            var context = Terms.ContentTerms($"{chunk.DocumentTitle}\n{chunk.HeadingPath}\n{chunk.Context}")
                .ToHashSet(StringComparer.Ordinal);
            // Heading lines (structure-aware chunks start with them) name the subject: they count as context, but
            // are not sentences to quote.
            foreach (var sentence in Sentences.Split(HeadingLine().Replace(chunk.Context, "")))
            {
                var words = Terms.Words(sentence).Count;
                if (words is < MinSentenceWords or > MaxSentenceWords)
                {
                    continue;
                }

                var text = sentence[^1] is '.' or '!' or '?' or ':' ? sentence : sentence + ".";
                yield return new Candidate(i + 1, i, text, Terms.ContentTerms(sentence).ToHashSet(StringComparer.Ordinal), context);
            }
        }
    }

    // Inverse frequency among candidate sentences, so the distinctive words of the question count the most.
    private static Dictionary<string, double> Weights(List<string> terms, List<Candidate> candidates) =>
        terms.ToDictionary(
            t => t,
            t => Math.Log(1 + ((candidates.Count + 1.0) / (1 + candidates.Count(c => c.ContextTerms.Contains(t))))),
            StringComparer.Ordinal);

    // A sentence scores by the weighted question terms it contains itself, plus a little for those its chunk
    // supplies as context (the heading often names the subject), minus a little per rank.
    private static double Score(Candidate candidate, List<string> terms, Dictionary<string, double> weights, double total)
    {
        var own = terms.Where(candidate.Terms.Contains).Sum(t => weights[t]) / total;
        if (own == 0)
        {
            return 0;
        }

        var context = terms.Where(candidate.ContextTerms.Contains).Sum(t => weights[t]) / total;
        return own + (0.3 * context) - (0.02 * candidate.Rank);
    }

    private static bool NearDuplicate(HashSet<string> a, HashSet<string> b)
    {
        var union = a.Union(b).Count();
        return union > 0 && a.Intersect(b).Count() / (double)union > 0.8;
    }

    [GeneratedRegex(@"^#{1,6}[ \t].*$", RegexOptions.Multiline)]
    private static partial Regex HeadingLine();

    private sealed record Candidate(int Source, int Rank, string Text, HashSet<string> Terms, HashSet<string> ContextTerms);
}
