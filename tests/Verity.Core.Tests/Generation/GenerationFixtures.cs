using System.Text;
using System.Text.RegularExpressions;
using Verity.Core.Generation.Prompting;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Core.Text;

namespace Verity.Core.Tests.Generation;

internal static partial class GenerationFixtures
{
    public static readonly TiktokenTokenCounter Tokens = new();

    private static readonly string[] Syllables =
        ["ka", "lo", "mi", "ren", "tu", "sha", "vor", "el", "quin", "da", "pre", "zu", "ob", "nia", "ter", "gal"];

    public static SearchResult Result(
        string documentId, int ordinal, string text, string? parent = null, string title = "Handbook",
        string headingPath = "", int? page = null) =>
        new(
            new IndexedChunk
            {
                Id = IndexedChunk.MakeId(documentId, ordinal),
                DocumentId = documentId,
                DocumentTitle = title,
                Ordinal = ordinal,
                Text = text,
                HeadingPath = headingPath,
                ParentText = parent,
                Page = page,
            },
            1.0 / (60 + ordinal),
            text,
            ordinal + 1,
            null);

    /// <summary>Sentences of made-up words: texts from different seeds share no word trigrams.</summary>
    public static List<string> Sentences(int seed, int count)
    {
        var random = new Random(seed);
        var sentences = new List<string>();
        for (var s = 0; s < count; s++)
        {
            var words = new List<string>();
            var length = random.Next(8, 14);
            for (var w = 0; w < length; w++)
            {
                var word = new StringBuilder();
                for (var i = random.Next(1, 4); i > 0; i--)
                {
                    word.Append(Syllables[random.Next(Syllables.Length)]);
                }

                words.Add(word.ToString());
            }

            words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
            sentences.Add(string.Join(' ', words) + ".");
        }

        return sentences;
    }

    public static string Paragraph(int seed, int sentences) => string.Join(' ', Sentences(seed, sentences));

    public static PromptBuilder Builder(Action<PromptOptions>? configure = null)
    {
        var options = new PromptOptions();
        configure?.Invoke(options);
        return new PromptBuilder(options, Tokens);
    }

    /// <summary>The source blocks of a built prompt, in the order they appear, with their ids.</summary>
    public static List<(int Id, string Block, string Text)> Blocks(BuiltPrompt prompt)
    {
        var user = prompt.Messages[^1].Text;
        return SourceBlock().Matches(user)
            .Select(m => (int.Parse(m.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Value, m.Groups["text"].Value))
            .ToList();
    }

    [GeneratedRegex("""<source id="(?<id>[0-9]+)"[^>\n]*>\n(?<text>.*?)\n</source>""", RegexOptions.Singleline)]
    private static partial Regex SourceBlock();
}
