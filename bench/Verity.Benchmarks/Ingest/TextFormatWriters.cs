using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using static Verity.Benchmarks.Ingest.ProseGenerator;

namespace Verity.Benchmarks.Ingest;

/// <summary>Writes the text formats of the mixed corpus: Markdown, plain text, HTML (with the navigation, header,
/// footer, script and style a saved web page carries), CSV and JSON Lines.</summary>
internal static class TextFormatWriters
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static byte[] Markdown(DocumentContent document)
    {
        var md = new StringBuilder(document.Sections.Sum(s => s.WordCount) * 7);
        md.Append("# ").Append(document.Title).Append("\n\n");
        md.Append("*Owner: ").Append(document.Author).Append(" · last updated ").Append(document.Modified.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("*\n\n");
        foreach (var section in document.Sections)
        {
            md.Append(section.Level == 1 ? "## " : "### ").Append(section.Heading).Append("\n\n");
            foreach (var paragraph in section.Paragraphs)
            {
                md.Append(paragraph).Append("\n\n");
            }

            foreach (var bullet in section.Bullets)
            {
                md.Append("- ").Append(bullet).Append('\n');
            }

            if (section.Table is { } table)
            {
                md.Append(section.Bullets.Count > 0 ? "\n" : "").Append("| ").AppendJoin(" | ", table.Header).Append(" |\n|");
                md.Append(string.Concat(table.Header.Select(_ => "---|"))).Append('\n');
                foreach (var row in table.Rows)
                {
                    md.Append("| ").AppendJoin(" | ", row).Append(" |\n");
                }
            }

            md.Append(section.Bullets.Count > 0 || section.Table is not null ? "\n" : "");
        }

        return Utf8.GetBytes(md.ToString());
    }

    public static byte[] PlainText(DocumentContent document)
    {
        var text = new StringBuilder(document.Sections.Sum(s => s.WordCount) * 7);
        text.Append(document.Title).Append("\n\n");
        foreach (var section in document.Sections)
        {
            text.Append(section.Heading.ToUpperInvariant()).Append("\n\n");
            foreach (var paragraph in section.Paragraphs)
            {
                // Hard-wrapped at 80 columns, as text files written in an editor often are.
                text.Append(Wrap(paragraph, 80)).Append("\n\n");
            }

            foreach (var bullet in section.Bullets)
            {
                text.Append("  * ").Append(bullet).Append('\n');
            }

            text.Append(section.Bullets.Count > 0 ? "\n" : "");
        }

        return Utf8.GetBytes(text.ToString());
    }

    public static byte[] Html(DocumentContent document, Random random)
    {
        var html = new StringBuilder(document.Sections.Sum(s => s.WordCount) * 9);
        var title = WebUtility.HtmlEncode(document.Title);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(title).Append("</title>\n");
        html.Append("<style>body{font-family:sans-serif;margin:0}nav a{margin:0 8px}.content{max-width:48rem;margin:auto}</style>\n");
        html.Append("<script>window.analytics=window.analytics||[];window.analytics.push(['page','").Append(Code(random)).Append("']);</script>\n");
        html.Append("</head>\n<body>\n<header><div class=\"logo\">Intranet</div><nav>");
        for (var i = 0; i < 8; i++)
        {
            var link = Title(Plural(Pick(random, EnglishWords.Nouns)));
            html.Append("<a href=\"/").Append(link.ToLowerInvariant()).Append("\">").Append(link).Append("</a>");
        }

        html.Append("</nav></header>\n<main class=\"content\">\n<article>\n<h1>").Append(title).Append("</h1>\n");
        html.Append("<p class=\"byline\">By ").Append(WebUtility.HtmlEncode(document.Author)).Append("</p>\n");
        foreach (var section in document.Sections)
        {
            var tag = section.Level == 1 ? "h2" : "h3";
            html.Append('<').Append(tag).Append('>').Append(WebUtility.HtmlEncode(section.Heading)).Append("</").Append(tag).Append(">\n");
            foreach (var paragraph in section.Paragraphs)
            {
                html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph)).Append("</p>\n");
            }

            if (section.Bullets.Count > 0)
            {
                html.Append("<ul>").AppendJoin("", section.Bullets.Select(b => $"<li>{WebUtility.HtmlEncode(b)}</li>")).Append("</ul>\n");
            }

            if (section.Table is { } table)
            {
                html.Append("<table><thead><tr>").AppendJoin("", table.Header.Select(h => $"<th>{h}</th>")).Append("</tr></thead><tbody>\n");
                foreach (var row in table.Rows)
                {
                    html.Append("<tr>").AppendJoin("", row.Select(c => $"<td>{WebUtility.HtmlEncode(c)}</td>")).Append("</tr>\n");
                }

                html.Append("</tbody></table>\n");
            }
        }

        html.Append("</article>\n<aside><h4>Related pages</h4><ul>");
        for (var i = 0; i < 5; i++)
        {
            html.Append("<li><a href=\"#\">").Append(WebUtility.HtmlEncode(Heading(random))).Append("</a></li>");
        }

        html.Append("</ul></aside>\n</main>\n<footer><p>Internal use only. Questions go to the ").Append(Pick(random, EnglishWords.Nouns))
            .Append(" desk.</p></footer>\n</body>\n</html>\n");
        return Utf8.GetBytes(html.ToString());
    }

    public static byte[] Csv(Random random, int rows)
    {
        var regions = DataRecord.Regions(random);
        var csv = new StringBuilder(rows * 160);
        csv.AppendJoin(',', DataRecord.Columns).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            csv.AppendJoin(',', DataRecord.Create(random, regions).Cells().Select(Quote)).Append('\n');
        }

        return Utf8.GetBytes(csv.ToString());
    }

    /// <summary>JSON Lines of knowledge-base articles: title, body text, tags, owner and date per line.</summary>
    public static byte[] JsonLines(Random random, int records)
    {
        var lines = new StringBuilder(records * 900);
        for (var i = 0; i < records; i++)
        {
            var record = new Dictionary<string, object>
            {
                ["id"] = Code(random),
                ["title"] = Heading(random),
                ["text"] = string.Join("\n\n", Paragraphs(random, random.Next(40, 220))),
                ["tags"] = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(random, EnglishWords.Nouns)).ToArray(),
                ["owner"] = PersonName(random),
                ["updated"] = Date(random).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
            lines.Append(JsonSerializer.Serialize(record)).Append('\n');
        }

        return Utf8.GetBytes(lines.ToString());
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    private static string Wrap(string paragraph, int width)
    {
        var wrapped = new StringBuilder(paragraph.Length + (paragraph.Length / width));
        var column = 0;
        foreach (var word in paragraph.Split(' '))
        {
            if (column > 0 && column + 1 + word.Length > width)
            {
                wrapped.Append('\n');
                column = 0;
            }
            else if (column > 0)
            {
                wrapped.Append(' ');
                column++;
            }

            wrapped.Append(word);
            column += word.Length;
        }

        return wrapped.ToString();
    }
}
