using System.Net;
using System.Text.RegularExpressions;

namespace Verity.Testing.OpenAi;

/// <summary>
/// Reads a grounded prompt the way a dutiful model would, to write the fake server's default answer.
/// </summary>
/// <remarks>
/// The messages are searched in this order: the last <c>user</c> message, then every other message from the last to
/// the first. In each, the first source found wins:
/// <list type="number">
/// <item><c>&lt;source id="n" …&gt;text&lt;/source&gt;</c> blocks (attributes in any order, quoted or not, case
/// ignored); the first block with a numeric <c>id</c> is used, whatever its number;</item>
/// <item>otherwise a line starting with <c>[n]</c> (optionally <c>Source [n]</c>, followed by an optional <c>:</c>);
/// its text runs to the next such line or the end.</item>
/// </list>
/// The answer is that source's first sentence (entities decoded, whitespace collapsed, cut at the first <c>.</c>,
/// <c>!</c> or <c>?</c> followed by white space, at most 300 characters) followed by <c> [n]</c>. Without any source
/// the answer is <see cref="NoSourceAnswer"/>.
/// </remarks>
public static partial class FakePrompt
{
    /// <summary>The answer when the prompt holds no source.</summary>
    public const string NoSourceAnswer = "I don't know: the provided sources do not answer this.";

    private const int MaxSentence = 300;

    public static string GroundedAnswer(IReadOnlyList<FakeMessage> messages)
    {
        var lastUser = messages.Select((m, i) => (m, i)).LastOrDefault(x => x.m.Role == "user");
        var order = lastUser.m is null
            ? messages.Reverse()
            : messages.Where((_, i) => i != lastUser.i).Reverse().Prepend(lastUser.m);
        foreach (var message in order)
        {
            if (FirstSource(message.Content) is { } source)
            {
                return FirstSentence(source.Text) + " [" + source.Number + "]";
            }
        }

        return NoSourceAnswer;
    }

    /// <summary>The first numbered source in <paramref name="prompt"/>, or null.</summary>
    public static (int Number, string Text)? FirstSource(string prompt)
    {
        foreach (Match tag in SourceTag().Matches(prompt))
        {
            foreach (Match attribute in Attribute().Matches(tag.Groups["attributes"].Value))
            {
                if (attribute.Groups["name"].Value.Equals("id", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(attribute.Groups["value"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var id))
                {
                    return (id, tag.Groups["text"].Value);
                }
            }
        }

        var numbered = NumberedLine().Match(prompt);
        return numbered.Success
            ? (int.Parse(numbered.Groups["id"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture), numbered.Groups["text"].Value)
            : null;
    }

    private static string FirstSentence(string text)
    {
        var plain = Whitespace().Replace(WebUtility.HtmlDecode(text), " ").Trim();
        var end = SentenceEnd().Match(plain);
        var sentence = end.Success ? plain[..(end.Index + 1)] : plain;
        return sentence.Length <= MaxSentence ? sentence : sentence[..MaxSentence].TrimEnd();
    }

    // Quoted attribute values may hold '>' (a title such as "Q&A > Leave").
    [GeneratedRegex("""<source\b(?<attributes>(?:\s+[\w:-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*>(?<text>.*?)</source\s*>""",
        RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex SourceTag();

    [GeneratedRegex("""(?<name>[\w:-]+)(?:\s*=\s*(?:"(?<value>[^"]*)"|'(?<value>[^']*)'|(?<value>[^\s"'>]+)))?""")]
    private static partial Regex Attribute();

    [GeneratedRegex(@"^[ \t]*(?:source[ \t]*)?\[(?<id>\d{1,4})\][ \t]*:?[ \t]*(?<text>.*?)(?=^[ \t]*(?:source[ \t]*)?\[\d{1,4}\]|\z)",
        RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex NumberedLine();

    [GeneratedRegex(@"[.!?](?=\s|$)")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
