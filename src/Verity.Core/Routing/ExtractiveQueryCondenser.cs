using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Verity.Core.Text;

namespace Verity.Core.Routing;

/// <summary>
/// Condenses without a model: keeps the sentence(s) that ask (ending in <c>?</c>; else the last sentence), then adds
/// the most frequent content words of the rest of the message that the question does not already contain, up to
/// <see cref="RoutingOptions.CondensedMaxTokens"/>. Deterministic; the fallback of every model condenser.
/// </summary>
public sealed partial class ExtractiveQueryCondenser(RoutingOptions options, ITokenCounter tokens) : IQueryCondenser
{
    // Narrative words that are not stop words for ranking documents but never say what a message is about.
    private static readonly FrozenSet<string> Narrative = FrozenSet.ToFrozenSet(
    [
        "since", "already", "still", "even", "yet", "ago", "last", "every", "again", "really", "actually", "basically",
        "however", "though", "although", "anyway", "thing", "things", "something", "anything", "way", "lot", "time",
        "times", "keep", "keeps", "kept", "like", "said", "says", "think", "thought", "hi", "hello", "thanks", "thank",
    ], StringComparer.Ordinal);

    /// <summary>The longest query this condenser (and a model condenser falling back to it) may return, in tokens.</summary>
    public int MaxTokens => options.CondensedMaxTokens;

    internal ITokenCounter Tokens => tokens;

    public Task<string> CondenseAsync(string question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Condense(question));
    }

    /// <summary>The synchronous body of <see cref="CondenseAsync"/>.</summary>
    public string Condense(string question)
    {
        var sentences = Sentences.Split(question).ToList();
        if (sentences.Count == 0)
        {
            return question.Trim();
        }

        var asking = sentences.Where(IsQuestion).ToList();
        if (asking.Count == 0)
        {
            asking = [sentences[^1]];
        }

        var core = string.Join(' ', asking);
        if (!Fits(core))
        {
            core = FitWords(asking[^1]);
        }

        var rest = string.Join(' ', sentences.Where(sentence => !asking.Contains(sentence)));
        var result = core;
        foreach (var term in DistinctiveTerms(rest, core))
        {
            var candidate = result + " " + term;
            if (Fits(candidate))
            {
                result = candidate;
            }
        }

        return result;
    }

    private bool Fits(string text) => tokens.CountTokensWithin(text, options.CondensedMaxTokens) is not null;

    private static bool IsQuestion(string sentence) =>
        sentence.TrimEnd(')', ']', '"', '\'', '\u201D', '\u2019', ' ').EndsWith('?');

    // One sentence that alone is over budget: its content words in order, as many as fit.
    private string FitWords(string sentence)
    {
        var all = Word().Matches(sentence).Select(match => match.Value).ToList();
        var words = all.Where(word => !Terms.IsStopWord(word.ToLowerInvariant())).ToList();
        if (words.Count == 0)
        {
            words = all;
        }

        var kept = "";
        foreach (var word in words)
        {
            var candidate = kept.Length == 0 ? word : kept + " " + word;
            if (!Fits(candidate))
            {
                break;
            }

            kept = candidate;
        }

        if (kept.Length == 0 && words.Count > 0)
        {
            // A single word longer than the budget (a pasted hash, a URL): its longest prefix that fits.
            var word = words[0];
            var length = word.Length;
            while (length > 1 && !Fits(word[..length]))
            {
                length--;
            }

            kept = word[..length];
        }

        return kept;
    }

    // Content words of the context, most frequent first (ties: first seen first), one surface form per stem, leaving
    // out stems the question already has. Single characters carry no meaning in a query.
    private static IEnumerable<string> DistinctiveTerms(string context, string question)
    {
        var known = Terms.ContentTerms(question).ToHashSet(StringComparer.Ordinal);
        var candidates = new Dictionary<string, (string Surface, int Count, int First)>(StringComparer.Ordinal);
        var position = 0;
        foreach (Match match in Word().Matches(context))
        {
            var lower = match.Value.ToLowerInvariant();
            position++;
            if (lower.Length < 2 || Terms.IsStopWord(lower) || Narrative.Contains(lower))
            {
                continue;
            }

            var stem = Terms.Stem(lower);
            if (known.Contains(stem))
            {
                continue;
            }

            candidates[stem] = candidates.TryGetValue(stem, out var seen)
                ? seen with { Count = seen.Count + 1 }
                : (match.Value, 1, position);
        }

        return candidates.Values
            .OrderByDescending(candidate => candidate.Count)
            .ThenBy(candidate => candidate.First)
            .Select(candidate => candidate.Surface);
    }

    [GeneratedRegex(@"[\p{L}\p{Nd}][\p{L}\p{M}\p{Nd}]*")]
    private static partial Regex Word();
}
