using System.Globalization;
using System.Text;
using static Verity.Benchmarks.Ingest.EnglishWords;

namespace Verity.Benchmarks.Ingest;

/// <summary>
/// English-like text from <see cref="EnglishWords"/> and a handful of sentence shapes: statements, conditions,
/// clauses joined by a subordinator, figures with dates and amounts, the occasional question. Words are drawn
/// front-heavy from each list, so common words recur the way they do in real documents; invented product names
/// and codes add rare terms. Every method takes the <see cref="Random"/> to draw from, so a document seeded on its
/// own is the same on every run and on any thread.
/// </summary>
internal static class ProseGenerator
{
    private static readonly string[] Uncountable =
        ["data", "feedback", "access", "safety", "security", "privacy", "compliance", "maintenance", "equity", "training", "inventory", "stock", "parking", "leave", "load"];

    private static readonly Dictionary<string, string> IrregularPast = new(StringComparer.Ordinal)
    {
        ["send"] = "sent", ["sell"] = "sold", ["plan"] = "planned", ["ship"] = "shipped", ["submit"] = "submitted",
        ["cancel"] = "cancelled", ["host"] = "hosted",
    };

    private static readonly string[] Syllables =
        ["nor", "val", "kes", "trix", "bel", "mar", "ost", "lin", "quo", "ra", "dex", "tor", "phi", "sen", "gal", "ven", "ura", "mio", "zan", "cor"];

    /// <summary>One of <paramref name="words"/>, the front of the list more often (P(rank &lt; x) = (x/n)^0.45).</summary>
    public static string Pick(Random random, string[] words) => words[(int)(words.Length * Math.Pow(random.NextDouble(), 2.2))];

    public static string Sentence(Random random)
    {
        var builder = new StringBuilder(160);
        AppendSentence(random, builder);
        return builder.ToString();
    }

    public static void AppendSentence(Random random, StringBuilder builder)
    {
        var start = builder.Length;
        var question = false;
        switch (random.Next(10))
        {
            case 0 or 1 or 2:
                builder.Append(Subject(random)).Append(' ').Append(Verb3(Pick(random, Verbs))).Append(' ').Append(Object(random));
                break;
            case 3 or 4:
                builder.Append(Pick(random, Pronouns)).Append(' ').Append(Pick(random, Modals)).Append(' ').Append(Pick(random, Verbs))
                    .Append(' ').Append(Object(random));
                break;
            case 5:
                builder.Append(Pick(random, Connectives)).Append(", ").Append(Subject(random)).Append(' ').Append(Verb3(Pick(random, Verbs)))
                    .Append(' ').Append(Object(random));
                break;
            case 6:
                builder.Append("If ").Append(Subject(random)).Append(" is ").Append(Pick(random, Adjectives)).Append(", ")
                    .Append(Pick(random, Pronouns)).Append(' ').Append(Pick(random, Modals)).Append(' ').Append(Pick(random, Verbs))
                    .Append(' ').Append(Object(random));
                break;
            case 7:
                builder.Append(Subject(random)).Append(' ').Append(Past(Pick(random, Verbs))).Append(' ').Append(Object(random))
                    .Append(' ').Append(Pick(random, Subordinators)).Append(' ').Append(Subject(random)).Append(' ')
                    .Append(Verb3(Pick(random, Verbs))).Append(' ').Append(Object(random));
                break;
            case 8:
                builder.Append("In ").Append(MonthYear(random)).Append(", ").Append(Subject(random)).Append(' ').Append(Past(Pick(random, Verbs)))
                    .Append(' ').Append(random.Next(2, 900).ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Plural(Pick(random, Nouns)))
                    .Append(" across ").Append(random.Next(2, 40).ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Plural(Pick(random, Nouns)))
                    .Append(", about ").Append(random.Next(1, 99).ToString(CultureInfo.InvariantCulture)).Append("% more than planned");
                break;
            default:
                question = random.Next(2) == 0;
                if (question)
                {
                    builder.Append("How ").Append(Pick(random, Modals)).Append(' ').Append(Pick(random, Pronouns)).Append(' ')
                        .Append(Pick(random, Verbs)).Append(' ').Append(Object(random));
                }
                else
                {
                    builder.Append(Subject(random)).Append(", which ").Append(Verb3(Pick(random, Verbs))).Append(' ').Append(Object(random))
                        .Append(", ").Append(Pick(random, Adverbs)).Append(' ').Append(Verb3(Pick(random, Verbs))).Append(' ')
                        .Append(ProductName(random));
                }

                break;
        }

        builder[start] = char.ToUpperInvariant(builder[start]);
        builder.Append(question ? '?' : '.');
    }

    /// <summary>Sentences until at least <paramref name="words"/> words, in paragraphs of two to six sentences.</summary>
    public static List<string> Paragraphs(Random random, int words)
    {
        var paragraphs = new List<string>();
        var written = 0;
        while (written < words)
        {
            var builder = new StringBuilder(600);
            var sentences = random.Next(2, 7);
            for (var i = 0; i < sentences; i++)
            {
                if (i > 0)
                {
                    builder.Append(' ');
                }

                AppendSentence(random, builder);
            }

            paragraphs.Add(builder.ToString());
            written += WordCount(paragraphs[^1]);
        }

        return paragraphs;
    }

    public static string Heading(Random random) => random.Next(4) switch
    {
        0 => $"{Title(Pick(random, Adjectives))} {Title(Pick(random, Nouns))} {Title(Plural(Pick(random, Nouns)))}",
        1 => $"How to {Pick(random, Verbs)} {Pick(random, Determiners)} {Pick(random, Nouns)}",
        2 => $"{Title(Pick(random, Nouns))} and {Title(Plural(Pick(random, Nouns)))}",
        _ => $"{Title(Plural(Pick(random, Nouns)))} {Pick(random, Prepositions)} {Title(Pick(random, Nouns))}",
    };

    public static string DocumentTitle(Random random) => random.Next(3) switch
    {
        0 => $"{ProductName(random)} {Title(Pick(random, Nouns))} {Title(Pick(random, ["Handbook", "Guide", "Policy", "Report", "Overview", "Notes"]))}",
        1 => $"{Title(Pick(random, Adjectives))} {Title(Pick(random, Nouns))} {Title(Pick(random, ["Review", "Plan", "Summary", "Procedure"]))} {MonthYear(random)}",
        _ => Heading(random),
    };

    public static string PersonName(Random random) => $"{Pick(random, FirstNames)} {Pick(random, LastNames)}";

    /// <summary>An invented product or place name: the rare, document-specific terms of a real corpus.</summary>
    public static string ProductName(Random random)
    {
        var name = string.Concat(Enumerable.Range(0, random.Next(2, 4)).Select(_ => Syllables[random.Next(Syllables.Length)]));
        return Title(name);
    }

    public static string MonthYear(Random random) => $"{Months[random.Next(12)]} {random.Next(2019, 2026)}";

    public static DateOnly Date(Random random) => new DateOnly(2019, 1, 1).AddDays(random.Next(0, 7 * 365));

    public static string Amount(Random random) => (random.Next(100, 2_000_000) / 100.0).ToString("N2", CultureInfo.InvariantCulture);

    public static string Code(Random random) =>
        $"{(char)('A' + random.Next(26))}{(char)('A' + random.Next(26))}-{random.Next(1000, 99999).ToString(CultureInfo.InvariantCulture)}";

    public static string Title(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    public static int WordCount(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = !char.IsWhiteSpace(c);
            count += letter && !inWord ? 1 : 0;
            inWord = letter;
        }

        return count;
    }

    public static string Plural(string noun)
    {
        if (Uncountable.Contains(noun))
        {
            return noun;
        }

        if (noun.EndsWith('y') && noun.Length > 1 && !"aeiou".Contains(noun[^2], StringComparison.Ordinal))
        {
            return noun[..^1] + "ies";
        }

        return noun.EndsWith('s') || noun.EndsWith('x') || noun.EndsWith("ch", StringComparison.Ordinal) || noun.EndsWith("sh", StringComparison.Ordinal)
            ? noun + "es"
            : noun + "s";
    }

    private static string Verb3(string verb) => verb switch
    {
        _ when verb.EndsWith('y') && !"aeiou".Contains(verb[^2], StringComparison.Ordinal) => verb[..^1] + "ies",
        _ when verb.EndsWith('s') || verb.EndsWith('x') || verb.EndsWith("ch", StringComparison.Ordinal) || verb.EndsWith("sh", StringComparison.Ordinal) => verb + "es",
        _ => verb + "s",
    };

    private static string Past(string verb) => IrregularPast.TryGetValue(verb, out var past) ? past : verb switch
    {
        _ when verb.EndsWith('e') => verb + "d",
        _ when verb.EndsWith('y') && !"aeiou".Contains(verb[^2], StringComparison.Ordinal) => verb[..^1] + "ied",
        _ => verb + "ed",
    };

    private static string Subject(Random random) =>
        random.Next(5) == 0 ? PersonName(random) : NounPhrase(random, adjectiveOdds: 2);

    private static string Object(Random random)
    {
        var phrase = NounPhrase(random, adjectiveOdds: 3);
        return random.Next(3) switch
        {
            0 => $"{phrase} {Pick(random, Prepositions)} {NounPhrase(random, adjectiveOdds: 0)}",
            1 => $"{phrase} {Pick(random, Adverbs)}",
            _ => phrase,
        };
    }

    /// <summary>A determiner, one adjective in <paramref name="adjectiveOdds"/> (none for 0) and a noun, with "an"
    /// before a vowel.</summary>
    private static string NounPhrase(Random random, int adjectiveOdds)
    {
        var determiner = Pick(random, Determiners);
        var words = adjectiveOdds > 0 && random.Next(adjectiveOdds) == 0 ? $"{Pick(random, Adjectives)} {Pick(random, Nouns)}" : Pick(random, Nouns);
        return determiner == "a" && "aeiou".Contains(words[0], StringComparison.Ordinal) ? $"an {words}" : $"{determiner} {words}";
    }
}
