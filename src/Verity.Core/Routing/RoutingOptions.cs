using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Routing;

/// <summary>
/// How questions are routed before retrieval (configuration section <c>Verity:Routing</c>).
/// <example>
/// <code>
/// "Routing": {
///   "SmallTalk": true,
///   "SmallTalkReplies": { "Greeting": "Hi! Ask me about our policies and procedures." },
///   "SmallTalkPatterns": [ { "Pattern": "(what is|whats) the wifi password", "Reply": "Ask the front desk." } ],
///   "CondenseAboveTokens": 64
/// }
/// </code>
/// </example>
/// </summary>
public sealed class RoutingOptions
{
    /// <summary>Answer greetings, thanks, goodbyes, acknowledgements, "who are you" and "what can you do" without
    /// searching. Off: every message is searched (and <see cref="SmallTalkPatterns"/> are ignored too).</summary>
    public bool SmallTalk { get; set; } = true;

    /// <summary>Replaces built-in replies, keyed by <see cref="SmallTalkIntent"/> name (<c>Greeting</c>,
    /// <c>Thanks</c>, <c>Goodbye</c>, <c>Acknowledgement</c>, <c>Identity</c>, <c>Capabilities</c>).</summary>
    public Dictionary<string, string> SmallTalkReplies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Extra messages answered with a fixed reply, checked before the built-in ones, in order.</summary>
    public IList<SmallTalkPattern> SmallTalkPatterns { get; set; } = [];

    /// <summary>Messages longer than this (in tokens) are condensed into a short query before searching.</summary>
    [Range(1, 100_000)]
    public int CondenseAboveTokens { get; set; } = 64;

    /// <summary>Upper bound on a condensed query, in tokens.</summary>
    [Range(4, 1_000)]
    public int CondensedMaxTokens { get; set; } = 32;
}

/// <summary>A configured small-talk rule.</summary>
public sealed class SmallTalkPattern
{
    /// <summary>A .NET regular expression that must match the WHOLE message, case-insensitively, after the message
    /// is simplified the way built-in small talk is: lower case, apostrophes removed (<c>what's</c> → <c>whats</c>),
    /// every other punctuation mark or emoji replaced by a space, spaces collapsed and trimmed.</summary>
    public string Pattern { get; set; } = "";

    public string Reply { get; set; } = "";
}
