using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Verity.Core.Routing;

/// <summary>
/// Built-in English small talk. A message is small talk when it consists ONLY of small-talk phrases and polite
/// filler ("hi there", "ok great, thanks a lot!"); one word outside that vocabulary ("hi, how do I reset my
/// password?") makes it a question for the documents. Matching runs on a simplified form of the message (see
/// <see cref="Simplify"/>), so punctuation, emoji and case do not matter.
/// </summary>
internal static class SmallTalkGrammar
{
    // Longer messages are never small talk; the bound also keeps the matcher's backtracking trivial.
    public const int MaxWords = 16;

    private static readonly string[] Greeting =
    [
        "hi+", "hello+", "hallo", "helo", "hey+", "heya", "hiya", "howdy", "yo", "greetings", "good (?:morning|afternoon|evening|day)",
        "morning", "evening", "how are you(?: doing)?(?: today)?", "how are things", "how is it going", "hows it going",
        "how do you do", "whats up", "what is up", "sup", "(?:nice|pleased|good) to meet you",
    ];

    private static readonly string[] Thanks =
    [
        "thanks", "thank you", "thank u", "thanx", "thnx", "thx", "ty", "tysm", "cheers", "many thanks", "much appreciated",
        "(?:i )?appreciate (?:it|that)", "appreciated", "no thanks", "no thank you", "that help(?:s|ed)",
        "(?:that|this) (?:was|is) (?:very |really )?helpful", "thats (?:very |really )?helpful", "(?:very |really )?helpful",
        "(?:you are|youre) (?:the best|great|awesome)", "you rock",
    ];

    private static readonly string[] Goodbye =
    [
        "bye(?: bye)?", "byebye", "good ?bye", "see (?:you|ya)(?: (?:later|soon|tomorrow|around))?", "cya", "later", "laters",
        "take care", "good ?night", "(?:gotta|got to|i have to|i must) go", "talk (?:to you )?(?:later|soon)", "ttyl", "farewell",
        "have a (?:nice|good|great|lovely) (?:day|one|evening|weekend|night)",
    ];

    private static readonly string[] Acknowledgement =
    [
        "ok(?:ay|ey|ie)?", "k+", "alright", "all right", "sure", "cool", "great", "nice", "perfect", "awesome", "excellent",
        "wonderful", "brilliant", "amazing", "fantastic", "super", "fine", "good", "very (?:good|well)", "got it", "gotcha",
        "understood", "i understand", "i see", "(?:that )?makes sense", "sounds (?:good|great)", "noted", "yes", "yeah", "yep",
        "yup", "right", "fair enough", "lol", "haha+", "wow", "no problem", "np", "no worries", "will do",
        "thats (?:great|good|perfect|fine|all|it)", "that is (?:great|good|perfect|fine|all|it)", "(?:im|i am) good",
        "all good", "great stuff", "nice one", "good to know", "interesting",
    ];

    private static readonly string[] Identity =
    [
        "who are you", "what are you", "who is this", "what is this", "whats this", "who am i (?:talking|speaking|chatting) (?:to|with)",
        "(?:what is|whats) your name", "your name", "what should i call you", "introduce yourself", "tell me about yourself",
        "(?:what is|whats|who is) verity", "are you (?:a |an )?(?:bot|robot|human|person|real person|chatbot|machine|ai|llm|chatgpt|real)",
    ];

    private static readonly string[] Capabilities =
    [
        "what (?:can|do) you do", "what can i ask(?: you)?", "what (?:can|do) you know", "what can you help(?: me)? with",
        "how (?:can|could) you help(?: me)?", "how do(?:es)? (?:you|this|it|verity) work", "how do i use (?:this|you|verity|it)",
        "what are you (?:for|able to do)", "what are your capabilities", "what should i ask(?: you)?",
        "(?:can|could) you help(?: me)?", "help(?: me)?", "(?:i )?need(?: some)? help", "i need(?: some)? help", "what is this for",
    ];

    private static readonly string[] Filler =
    [
        "there", "again", "so much", "a lot", "a bunch", "a million", "very much", "all", "everyone", "everybody", "folks",
        "guys", "team", "friend", "mate", "buddy", "dear", "verity", "bot", "assistant", "please", "pls", "plz", "so", "then",
        "well", "oh", "ah", "um", "uh", "hmm+", "just", "really", "you", "and", "too", "as well", "indeed", "now", "for now",
        "for (?:your|the|all (?:your|the)) (?:help|time|answer|info|information)", "for helping(?: me)?",
        "for (?:that|this|everything)",
    ];

    private static readonly Regex Matcher = Build();

    /// <summary>Intents in order of precedence: "hi, what can you do?" is answered as capabilities, "thanks, bye" as
    /// goodbye.</summary>
    private static readonly SmallTalkIntent[] Precedence =
    [
        SmallTalkIntent.Capabilities, SmallTalkIntent.Identity, SmallTalkIntent.Goodbye, SmallTalkIntent.Thanks,
        SmallTalkIntent.Greeting, SmallTalkIntent.Acknowledgement,
    ];

    public static IReadOnlyDictionary<SmallTalkIntent, string> DefaultReplies { get; } = new Dictionary<SmallTalkIntent, string>
    {
        [SmallTalkIntent.Greeting] = "Hello! I'm Verity. Ask me a question and I'll answer it from your organisation's documents, citing the sources I used.",
        [SmallTalkIntent.Thanks] = "You're welcome! Ask me anything else about your organisation's documents.",
        [SmallTalkIntent.Goodbye] = "Goodbye! Come back whenever you need an answer from your organisation's documents.",
        [SmallTalkIntent.Acknowledgement] = "All right. Ask another question whenever you like; I answer from your organisation's documents and cite my sources.",
        [SmallTalkIntent.Identity] = "I'm Verity, an assistant that answers questions from your organisation's documents. Every answer cites the passages it comes from, and when the documents don't cover something I say so instead of guessing.",
        [SmallTalkIntent.Capabilities] = "I answer questions from your organisation's documents that you are allowed to read, citing the passages each answer comes from, and I tell you when the documents don't cover something. Ask a specific question, for example about a policy, a procedure or an error message.",
    };

    /// <summary>The built-in intent of a simplified message, or null when it is not (only) small talk. An empty
    /// message (only punctuation or emoji) asks for nothing searchable, so it gets the capabilities reply.</summary>
    public static SmallTalkIntent? Match(string simplified)
    {
        if (simplified.Length == 0)
        {
            return SmallTalkIntent.Capabilities;
        }

        if (simplified.Count(c => c == ' ') >= MaxWords)
        {
            return null;
        }

        var match = Matcher.Match(simplified);
        if (!match.Success)
        {
            return null;
        }

        foreach (var intent in Precedence)
        {
            if (match.Groups[intent.ToString()].Success)
            {
                return intent;
            }
        }

        // Filler alone ("so", "you there") is not small talk.
        return null;
    }

    /// <summary>NFKC, lower case, apostrophes removed (<c>what's</c> → <c>whats</c>), every other character that is
    /// not a letter or digit replaced by a space, spaces collapsed, trimmed.</summary>
    public static string Simplify(string message)
    {
        var composed = message.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var builder = new StringBuilder(composed.Length);
        var pendingSpace = false;
        foreach (var c in composed)
        {
            if (c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '`')
            {
                continue;
            }

            if (char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                if (pendingSpace)
                {
                    builder.Append(' ');
                    pendingSpace = false;
                }

                builder.Append(c);
            }
            else
            {
                pendingSpace = builder.Length > 0;
            }
        }

        return builder.ToString();
    }

    private static Regex Build()
    {
        static string Group(string name, string[] phrases) => $"(?<{name}>{string.Join('|', phrases)})";

        var unit = string.Join('|',
            Group(nameof(SmallTalkIntent.Greeting), Greeting),
            Group(nameof(SmallTalkIntent.Thanks), Thanks),
            Group(nameof(SmallTalkIntent.Goodbye), Goodbye),
            Group(nameof(SmallTalkIntent.Acknowledgement), Acknowledgement),
            Group(nameof(SmallTalkIntent.Identity), Identity),
            Group(nameof(SmallTalkIntent.Capabilities), Capabilities),
            Group("Filler", Filler));
        return new Regex(
            $"^(?:{unit})(?: (?:{unit}))*$",
            RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
            TimeSpan.FromMilliseconds(250));
    }
}
