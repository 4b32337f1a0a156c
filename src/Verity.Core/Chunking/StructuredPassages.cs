using Verity.Core.Documents;
using Verity.Core.Text;

namespace Verity.Core.Chunking;

/// <summary>One section, a piece of a large one, or several small sibling sections merged; at most the token limit
/// it was built for. <paramref name="HeadingPath"/> is the sections' common parent.</summary>
internal sealed record Passage(string Text, string HeadingPath, int? Page, IReadOnlyList<PassagePart> Parts);

/// <summary>One section's share of a passage (its heading line and text), with the section's own heading path.</summary>
internal sealed record PassagePart(string Text, string HeadingPath);

/// <summary>
/// Cuts a document along its headings: a section that fits is one passage; small sections that follow each other
/// under the same parent heading (and on the same page) are merged, each keeping its heading as a line; a section
/// too large is cut by the recursive splitter without overlap. Every passage starts with a Markdown heading line, so it
/// says what it is about even when read alone. Table rows are lines, and lines are only cut when one alone is too large.
/// </summary>
internal sealed class StructuredPassages(ITokenCounter tokens, int maxTokens)
{
    private const string Joiner = "\n\n";

    // Below this a section is "small": worth merging into its neighbours rather than standing alone.
    private int SmallTokens => maxTokens / 4;

    public IEnumerable<Passage> Build(ParsedDocument document)
    {
        var group = new Group();
        foreach (var section in document.Sections)
        {
            var body = section.Text.Trim();
            if (body.Length == 0)
            {
                continue;
            }

            var own = Render(section.HeadingPath, body, section.HeadingPath, previous: null);
            if (tokens.CountTokensWithin(own, maxTokens) is not { } ownTokens)
            {
                if (group.Flush() is { } pending)
                {
                    yield return pending;
                }

                foreach (var piece in Cut(section, body))
                {
                    yield return piece;
                }

                continue;
            }

            if (!TryJoin(group, section, body, ownTokens))
            {
                if (group.Flush() is { } pending)
                {
                    yield return pending;
                }

                group.Start(section, own, ownTokens);
            }
        }

        if (group.Flush() is { } last)
        {
            yield return last;
        }
    }

    private bool TryJoin(Group group, DocumentSection section, string body, int sectionTokens)
    {
        if (group.Members.Count == 0 || group.Page != section.Page
            || (group.Tokens >= SmallTokens && sectionTokens >= SmallTokens))
        {
            return false;
        }

        IReadOnlyList<string> path;
        if (group.Members.Count > 1)
        {
            path = group.Path;
        }
        else
        {
            // The first section decides: the next one is either below it (its subsections) or beside it (a sibling).
            var first = group.Members[0];
            path = StartsWith(section.HeadingPath, first) || first.Count == 0 ? first : first.Take(first.Count - 1).ToArray();
        }

        if (!StartsWith(section.HeadingPath, path))
        {
            return false;
        }

        var part = Render(section.HeadingPath, body, path, group.Members[^1]);
        var text = group.Text + Joiner + part;
        if (tokens.CountTokensWithin(text, maxTokens) is not { } count)
        {
            return false;
        }

        group.Add(section, path, part, text, count);
        return true;
    }

    // A section too large for one passage: recursive pieces of its text, each under the section's heading line.
    // The heading is counted against the limit, and the rare piece that still overflows (tokens do not add up
    // exactly across a join) makes the whole section be cut again a little smaller.
    private IEnumerable<Passage> Cut(DocumentSection section, string body)
    {
        var heading = HeadingLines(section.HeadingPath, section.HeadingPath, previous: null);
        var budget = maxTokens - (heading.Count == 0 ? 0 : tokens.CountTokens(heading[^1] + Joiner));
        while (true)
        {
            var splitter = new RecursiveChunker(tokens, new ChunkingOptions { MaxTokens = budget, OverlapTokens = 0 });
            var pieces = splitter.ChunkText(body, "", null, 0)
                .Select(c => heading.Count == 0 || StartsWithHeading(c.Text, section.HeadingPath[^1]) ? c.Text : heading[^1] + Joiner + c.Text)
                .ToList();
            var worst = pieces.Max(tokens.CountTokens);
            if (worst <= maxTokens || budget <= 1)
            {
                return pieces.Select(text => new Passage(
                    text, section.HeadingPathText, section.Page, [new PassagePart(text, section.HeadingPathText)]));
            }

            budget = Math.Max(1, budget - (worst - maxTokens));
        }
    }

    // The section's text under its heading lines.
    private string Render(IReadOnlyList<string> headingPath, string body, IReadOnlyList<string> passagePath, IReadOnlyList<string>? previous)
    {
        var lines = HeadingLines(headingPath, passagePath, previous);
        if (lines.Count > 0 && lines[^1].EndsWith(" " + headingPath[^1], StringComparison.Ordinal) && StartsWithHeading(body, headingPath[^1]))
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines.Count == 0 ? body : string.Join(Joiner, lines) + Joiner + body;
    }

    // Markdown heading lines ("## Install", one # per level of the path) for the headings of a section that the
    // passage does not state yet: its own heading, and in a merged passage the headings between the passage's path
    // and the section's that the previous section did not open ("## Install" before "### Linux"), so the outline
    // survives merging. The # marks tell a reader, and the extractive generator, that the line is not a sentence.
    private List<string> HeadingLines(IReadOnlyList<string> headingPath, IReadOnlyList<string> passagePath, IReadOnlyList<string>? previous)
    {
        if (headingPath.Count == 0)
        {
            return [];
        }

        var from = previous is null
            ? Math.Min(passagePath.Count, headingPath.Count - 1)
            : Math.Min(Math.Max(passagePath.Count, CommonLength(previous, headingPath)), headingPath.Count - 1);
        var lines = new List<string>();
        for (var level = from; level < headingPath.Count; level++)
        {
            var line = $"{new string('#', Math.Min(level + 1, 6))} {headingPath[level]}";

            // A "heading" that is really a paragraph (a long bold line taken for a title) would crowd out the text.
            if (headingPath[level].Length > 0 && tokens.CountTokensWithin(line, SmallTokens) is not null)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    // Formats that keep the heading in the text (PDF, plain text) must not get it twice.
    private static bool StartsWithHeading(string text, string heading)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        var first = (end < 0 ? text : text[..end]).Trim().TrimStart('#').Trim();
        return first.Equals(heading.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    private static int CommonLength(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var length = 0;
        while (length < a.Count && length < b.Count && a[length] == b[length])
        {
            length++;
        }

        return length;
    }

    private static bool StartsWith(IReadOnlyList<string> path, IReadOnlyList<string> prefix) =>
        CommonLength(path, prefix) == prefix.Count;

    private sealed class Group
    {
        private readonly List<PassagePart> _parts = [];

        public List<IReadOnlyList<string>> Members { get; } = [];
        public IReadOnlyList<string> Path { get; private set; } = [];
        public int? Page { get; private set; }
        public string Text { get; private set; } = "";
        public int Tokens { get; private set; }

        public void Start(DocumentSection section, string text, int tokens)
        {
            Members.Add(section.HeadingPath);
            _parts.Add(new PassagePart(text, section.HeadingPathText));
            Path = section.HeadingPath;
            Page = section.Page;
            Text = text;
            Tokens = tokens;
        }

        public void Add(DocumentSection section, IReadOnlyList<string> path, string part, string text, int tokens)
        {
            Members.Add(section.HeadingPath);
            _parts.Add(new PassagePart(part, section.HeadingPathText));
            Path = path;
            Text = text;
            Tokens = tokens;
        }

        public Passage? Flush()
        {
            if (Members.Count == 0)
            {
                return null;
            }

            var passage = new Passage(Text, string.Join(" > ", Path), Page, _parts.ToList());
            Members.Clear();
            _parts.Clear();
            return passage;
        }
    }
}
