using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Verity.Core.Retrieval;
using Verity.Core.Text;

namespace Verity.Core.Generation.Prompting;

/// <summary>A prompt ready to send.</summary>
/// <param name="Messages">System and user messages.</param>
/// <param name="SourceTokens">Tokens of the rendered source blocks (what <see cref="PromptOptions.ContextTokens"/> bounds).</param>
/// <param name="TemplateId"><c>name@version</c> of the template used.</param>
public sealed record BuiltPrompt(IReadOnlyList<ChatMessage> Messages, int SourceTokens, string TemplateId);

/// <summary>
/// Turns ranked search results into a grounded prompt. <see cref="SelectSources"/> chooses what the model will
/// read (no duplicates, within the token budget) once per question; <see cref="Build"/> renders that list for any
/// generator of the fallback chain, numbering source n as the n-th of the list.
/// </summary>
public sealed partial class PromptBuilder
{
    private readonly ITokenCounter _tokens;
    private readonly PromptTemplate _template;
    private readonly int _budget;
    private readonly SourceOrdering _ordering;
    private readonly double _duplicateThreshold;
    private readonly string _noAnswerKey;

    public PromptBuilder(PromptOptions options, ITokenCounter tokens)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokens);
        options.Validate();
        var (name, template) = options.AllTemplates().First(t => string.Equals(t.Key, options.Template, StringComparison.OrdinalIgnoreCase));
        _tokens = tokens;
        _template = template;
        _budget = options.ContextTokens;
        _ordering = options.Ordering;
        _duplicateThreshold = options.DuplicateThreshold;
        NoAnswerText = options.NoAnswerText.Trim();
        _noAnswerKey = AnswerKey(NoAnswerText);
        TemplateId = $"{name}@{template.Version}";
    }

    /// <summary><c>name@version</c> of the template: part of responses and of the answer cache key.</summary>
    public string TemplateId { get; }

    /// <summary>What the model is told to answer when the sources do not contain the answer.</summary>
    public string NoAnswerText { get; }

    /// <summary>
    /// The sources to give the model, in their given order: duplicates of a better-ranked source dropped, then as
    /// many as fit in the token budget (measured as <see cref="Build"/> renders them). The first that does not fit
    /// is cut at a sentence end (a word end if no sentence fits) when a reasonable share of the budget remains,
    /// and selection stops there. A cut source comes back with its context (parent passage, or text) shortened.
    /// Idempotent: selecting from a selection returns it unchanged.
    /// </summary>
    public IReadOnlyList<SearchResult> SelectSources(IReadOnlyList<SearchResult> ranked)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        var duplicates = new DuplicateFilter(_duplicateThreshold);
        var kept = new List<SearchResult>();
        var used = 0;
        foreach (var source in ranked)
        {
            if (duplicates.IsDuplicate(source.Chunk.Context))
            {
                continue;
            }

            var tokens = _tokens.CountTokens(Render(kept.Count + 1, source, kept));
            if (used + tokens <= _budget)
            {
                kept.Add(source);
                duplicates.Add(source.Chunk.Context);
                used += tokens;
                continue;
            }

            // Cutting only pays when enough room is left for a useful passage. A cut text is checked for
            // duplication again: a shorter text can be covered where the whole was not.
            var remaining = _budget - used;
            if (remaining >= Math.Min(200, _budget / 4)
                && Truncate(kept.Count + 1, source, kept, remaining) is { } cut
                && !duplicates.IsDuplicate(cut.Chunk.Context))
            {
                kept.Add(cut);
            }

            break;
        }

        return kept;
    }

    /// <summary>
    /// System and user messages for a question and its sources (source n = <c>sources[n - 1]</c>). Each source is
    /// rendered as a <c>&lt;source id="n" title="…" section="…"&gt;</c> block of its context, without what it
    /// repeats of an earlier source of the same document, with forged source tags neutralised. Every source keeps
    /// its number; in a list not chosen by <see cref="SelectSources"/>, a source past the budget is cut to what
    /// remains, or left out (its number unused) when not even a word fits.
    /// </summary>
    public BuiltPrompt Build(string question, IReadOnlyList<SearchResult> sources)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(sources);
        var blocks = new string?[sources.Count];
        var used = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            var earlier = sources.Take(i).ToList();
            var block = Render(i + 1, sources[i], earlier);
            var tokens = _tokens.CountTokens(block);
            if (used + tokens > _budget)
            {
                if (Truncate(i + 1, sources[i], earlier, _budget - used) is not { } cut)
                {
                    continue;
                }

                block = Render(i + 1, cut, earlier);
                tokens = _tokens.CountTokens(block);
            }

            blocks[i] = block;
            used += tokens;
        }

        var rendered = string.Join('\n', Placement(sources.Count).Select(i => blocks[i]).OfType<string>());
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sources"] = rendered,
            ["question"] = SourceText.Neutralise(question.Trim()),
            ["no_answer"] = NoAnswerText,
        };

        var messages = new List<ChatMessage>(2);
        if (!string.IsNullOrWhiteSpace(_template.System))
        {
            messages.Add(new ChatMessage(ChatRole.System, Fill(_template.System, values)));
        }

        messages.Add(new ChatMessage(ChatRole.User, Fill(_template.User, values)));
        return new BuiltPrompt(messages, used, TemplateId);
    }

    /// <summary>Whether an answer is the no-answer sentence (ignoring case, quotes, citation markers and final
    /// punctuation).</summary>
    public bool IsNoAnswer(string answer) => AnswerKey(answer) == _noAnswerKey;

    // Indexes into the numbered list, in the order the blocks appear in the prompt.
    private IEnumerable<int> Placement(int count) =>
        _ordering == SourceOrdering.Relevance
            ? Enumerable.Range(0, count)
            : Enumerable.Range(0, count).Where(i => i % 2 == 0).Concat(Enumerable.Range(0, count).Where(i => i % 2 == 1).Reverse());

    private static string Render(int number, SearchResult source, IReadOnlyList<SearchResult> earlier)
    {
        var sameDocument = earlier
            .Where(e => string.Equals(e.Chunk.DocumentId, source.Chunk.DocumentId, StringComparison.Ordinal))
            .Select(e => e.Chunk.Context);
        return Block(number, source, SourceText.TrimOverlap(source.Chunk.Context, sameDocument));
    }

    private static string Block(int number, SearchResult source, string text)
    {
        var chunk = source.Chunk;
        var section = string.IsNullOrWhiteSpace(chunk.HeadingPath) ? "" : $" section=\"{SourceText.Attribute(chunk.HeadingPath)}\"";
        var page = chunk.Page is { } p ? $" page=\"{p}\"" : "";
        return $"<source id=\"{number}\" title=\"{SourceText.Attribute(chunk.DocumentTitle)}\"{section}{page}>\n"
            + $"{SourceText.Neutralise(text.Trim())}\n</source>";
    }

    // The longest start of the source's context, cut at a sentence end (else a word end), whose block fits.
    private SearchResult? Truncate(int number, SearchResult source, IReadOnlyList<SearchResult> earlier, int remaining)
    {
        var context = source.Chunk.Context;
        foreach (var words in (bool[])[false, true])
        {
            var cuts = SourceText.CutPoints(context, words);
            SearchResult? best = null;
            for (int low = 0, high = cuts.Count - 1; low <= high;)
            {
                var middle = (low + high) / 2;
                var candidate = WithContext(source, context[..cuts[middle]].TrimEnd());
                if (_tokens.CountTokens(Render(number, candidate, earlier)) <= remaining)
                {
                    best = candidate;
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            if (best is not null)
            {
                return best;
            }
        }

        return null;
    }

    private static SearchResult WithContext(SearchResult source, string context) =>
        source with
        {
            Chunk = source.Chunk.ParentText is null
                ? source.Chunk with { Text = context }
                : source.Chunk with { ParentText = context },
        };

    // One pass, so that a question or source containing "{question}" is not expanded again.
    private static string Fill(string template, Dictionary<string, string> values) =>
        Placeholder().Replace(template, m => values[m.Groups[1].Value]);

    private static string AnswerKey(string text) =>
        string.Join(' ', Terms.Words(Marker().Replace(text.Replace('\u2019', '\''), " ").Replace("'", "", StringComparison.Ordinal)));

    [GeneratedRegex(@"\{(sources|question|no_answer)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\[[0-9]{1,4}\]")]
    private static partial Regex Marker();
}
