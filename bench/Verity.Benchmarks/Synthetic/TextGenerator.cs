using System.Text;
using Verity.Core.Text;

namespace Verity.Benchmarks.Synthetic;

/// <summary>Prose, headings, queries and whole Markdown documents from a <see cref="Vocabulary"/>. Every method
/// takes the <see cref="Random"/> to draw from, so callers decide what is seeded how (one generator per chunk
/// makes parallel generation deterministic).</summary>
public sealed class TextGenerator(Vocabulary vocabulary)
{
    public Vocabulary Vocabulary => vocabulary;

    public string Sentence(Random random)
    {
        var builder = new StringBuilder(160);
        AppendSentence(random, builder);
        return builder.ToString();
    }

    public void AppendSentence(Random random, StringBuilder builder)
    {
        var start = builder.Length;
        var words = random.Next(6, 22);
        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                builder.Append(i > 3 && i < words - 2 && random.Next(9) == 0 ? ", " : " ");
            }

            builder.Append(vocabulary.Sample(random));
        }

        builder[start] = char.ToUpperInvariant(builder[start]);
        builder.Append(random.Next(12) == 0 ? '?' : '.');
    }

    /// <summary>Paragraphs of whole sentences, about <paramref name="words"/> words in all.</summary>
    public string Prose(Random random, int words)
    {
        var builder = new StringBuilder(words * 8);
        var written = 0;
        var inParagraph = 0;
        while (written < words)
        {
            if (builder.Length > 0)
            {
                // A paragraph break every few sentences, as in real documents (the chunker splits on them).
                builder.Append(inParagraph >= 3 && random.Next(3) == 0 ? "\n\n" : " ");
                inParagraph = builder[^1] == '\n' ? 0 : inParagraph;
            }

            var before = builder.Length;
            AppendSentence(random, builder);
            written += CountSpaces(builder, before) + 1;
            inParagraph++;
        }

        return builder.ToString();
    }

    /// <summary>A title-cased phrase of content words, for titles and headings.</summary>
    public string Heading(Random random, int minWords = 2, int maxWords = 5)
    {
        var count = random.Next(minWords, maxWords + 1);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => TitleCase(vocabulary.SampleContent(random))));
    }

    /// <summary>A search query: a few content words with their corpus frequency.</summary>
    public string Query(Random random, int minWords = 2, int maxWords = 4)
    {
        var count = random.Next(minWords, maxWords + 1);
        return string.Join(' ', Enumerable.Range(0, count).Select(_ => vocabulary.SampleContent(random)));
    }

    /// <summary>A Markdown document of at least <paramref name="words"/> words with the structure of a wiki page:
    /// a title, sections and subsections, paragraphs, bullet and numbered lists, a table and a code block.</summary>
    public string MarkdownDocument(Random random, int words)
    {
        var builder = new StringBuilder(words * 8);
        builder.Append("# ").Append(Heading(random, 3, 6)).Append("\n\n");
        builder.Append(Prose(random, 60)).Append("\n\n");
        var section = 0;
        // Words are counted in the text written so far (headings, list items and table cells included).
        while (CountWords(builder.ToString()) < words)
        {
            builder.Append("## ").Append(Heading(random)).Append("\n\n");
            for (var sub = 0; sub < 3 && CountWords(builder.ToString()) < words; sub++)
            {
                if (sub > 0)
                {
                    builder.Append("### ").Append(Heading(random)).Append("\n\n");
                }

                builder.Append(Prose(random, random.Next(60, 180))).Append("\n\n");

                switch ((section + sub) % 4)
                {
                    case 0:
                        for (var i = 0; i < 5; i++)
                        {
                            builder.Append("- **").Append(TitleCase(vocabulary.SampleContent(random))).Append("**: ");
                            builder.Append(Sentence(random)).Append('\n');
                        }

                        builder.Append('\n');
                        break;
                    case 1:
                        for (var i = 1; i <= 4; i++)
                        {
                            builder.Append(i).Append(". ").Append(Sentence(random)).Append('\n');
                        }

                        builder.Append('\n');
                        break;
                    case 2:
                        builder.Append("| ").Append(string.Join(" | ", Enumerable.Range(0, 4).Select(_ => TitleCase(vocabulary.SampleContent(random))))).Append(" |\n");
                        builder.Append("|---|---|---|---|\n");
                        for (var row = 0; row < 6; row++)
                        {
                            builder.Append("| ").Append(string.Join(" | ", Enumerable.Range(0, 4).Select(_ => vocabulary.SampleContent(random)))).Append(" |\n");
                        }

                        builder.Append('\n');
                        break;
                    default:
                        builder.Append("```bash\n");
                        builder.Append(vocabulary.SampleContent(random)).Append(" --").Append(vocabulary.SampleContent(random))
                            .Append(' ').Append(random.Next(1, 1000)).Append('\n');
                        builder.Append("```\n\n");
                        break;
                }
            }

            section++;
        }

        return builder.ToString();
    }

    public static string TitleCase(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    /// <summary>Words as the product counts them: runs of letters and digits.</summary>
    public static int CountWords(string text) => Terms.Words(text).Count;

    private static int CountSpaces(StringBuilder builder, int from)
    {
        var count = 0;
        for (var i = from; i < builder.Length; i++)
        {
            if (builder[i] == ' ')
            {
                count++;
            }
        }

        return count;
    }
}
