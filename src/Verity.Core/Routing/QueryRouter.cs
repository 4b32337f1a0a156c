using System.Text.RegularExpressions;
using Verity.Core.Text;

namespace Verity.Core.Routing;

/// <summary>
/// Decides, before anything is searched, whether a message needs the documents at all (small talk is answered
/// with a fixed, honest reply), and whether it is too long to search as it is (it is then condensed first).
/// Pure and cheap: no I/O, microseconds per message.
/// </summary>
public sealed class QueryRouter
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    private readonly RoutingOptions _options;
    private readonly ITokenCounter _tokens;
    private readonly List<(Regex Pattern, string Reply)> _patterns;
    private readonly Dictionary<SmallTalkIntent, string> _replies;

    /// <exception cref="ArgumentException">A configured pattern is not a valid regular expression, or a reply is
    /// configured for an intent that does not exist.</exception>
    public QueryRouter(RoutingOptions options, ITokenCounter tokens)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokens);
        _options = options;
        _tokens = tokens;
        _replies = new Dictionary<SmallTalkIntent, string>(SmallTalkGrammar.DefaultReplies);
        foreach (var (name, reply) in options.SmallTalkReplies)
        {
            var intent = SmallTalkGrammar.DefaultReplies.Keys
                .Where(known => string.Equals(known.ToString(), name, StringComparison.OrdinalIgnoreCase))
                .Cast<SmallTalkIntent?>()
                .FirstOrDefault();
            if (intent is null)
            {
                throw new ArgumentException(
                    $"Routing:SmallTalkReplies has a reply for '{name}'; the intents are {string.Join(", ", SmallTalkGrammar.DefaultReplies.Keys)}.",
                    nameof(options));
            }

            _replies[intent.Value] = reply;
        }

        _patterns = [.. options.SmallTalkPatterns.Select((rule, index) => (Compile(rule.Pattern, index), rule.Reply))];
    }

    public QueryRoute Route(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (_options.SmallTalk && MatchSmallTalk(question) is { } smallTalk)
        {
            return smallTalk;
        }

        return _tokens.CountTokensWithin(question, _options.CondenseAboveTokens) is null ? QueryRoute.Condense : QueryRoute.Retrieve;
    }

    private QueryRoute? MatchSmallTalk(string question)
    {
        var simplified = SmallTalkGrammar.Simplify(question);
        foreach (var (pattern, reply) in _patterns)
        {
            try
            {
                if (pattern.IsMatch(simplified))
                {
                    return new QueryRoute(RouteKind.SmallTalk, reply, SmallTalkIntent.Custom);
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological pattern must not block the question; it simply does not match.
            }
        }

        return SmallTalkGrammar.Match(simplified) is { } intent
            ? new QueryRoute(RouteKind.SmallTalk, _replies[intent], intent)
            : null;
    }

    private static Regex Compile(string pattern, int index)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            throw new ArgumentException($"Routing:SmallTalkPatterns:{index}:Pattern is empty.", nameof(pattern));
        }

        try
        {
            return new Regex(
                $"^(?:{pattern})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, PatternTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"Routing:SmallTalkPatterns:{index}:Pattern is not a valid regular expression: {e.Message}", nameof(pattern), e);
        }
    }
}
