using System.Globalization;
using static Verity.Benchmarks.Ingest.ProseGenerator;

namespace Verity.Benchmarks.Ingest;

/// <summary>What a prose document says, before it is written in a format: a title, an author and nested sections,
/// each with paragraphs and now and then a bullet list or a table. The PDF, DOCX, PPTX, HTML, Markdown and text
/// writers all render this, so the formats differ in how they store text, not in the text.</summary>
internal sealed record DocumentContent(string Title, string Author, DateTimeOffset Modified, IReadOnlyList<ContentSection> Sections)
{
    /// <summary>A document of at least <paramref name="words"/> words.</summary>
    public static DocumentContent Create(Random random, int words)
    {
        var title = DocumentTitle(random);
        var sections = new List<ContentSection>();
        var written = 0;
        while (written < words)
        {
            var level = sections.Count == 0 ? 1 : random.Next(3) == 0 ? 2 : 1;
            var paragraphs = Paragraphs(random, random.Next(80, 260));
            var bullets = random.Next(4) == 0 ? Enumerable.Range(0, random.Next(3, 7)).Select(_ => Sentence(random)).ToList() : [];
            var table = random.Next(5) == 0 ? TableData.Create(random, random.Next(4, 12)) : null;
            var section = new ContentSection(level, Heading(random), paragraphs, bullets, table);
            sections.Add(section);
            written += section.WordCount;
        }

        var modified = new DateTimeOffset(Date(random).ToDateTime(new TimeOnly(random.Next(8, 18), random.Next(60))), TimeSpan.Zero);
        return new DocumentContent(title, PersonName(random), modified, sections);
    }
}

internal sealed record ContentSection(int Level, string Heading, IReadOnlyList<string> Paragraphs, IReadOnlyList<string> Bullets, TableData? Table)
{
    public int WordCount =>
        WordCount(Heading) + Paragraphs.Sum(ProseGenerator.WordCount) + Bullets.Sum(ProseGenerator.WordCount)
        + (Table is null ? 0 : Table.Rows.Sum(r => r.Sum(ProseGenerator.WordCount)));
}

/// <summary>A small table of the kind documents carry: a header row and rows of codes, names, dates and amounts.</summary>
internal sealed record TableData(string[] Header, IReadOnlyList<string[]> Rows)
{
    public static TableData Create(Random random, int rows) => new(
        ["Item", "Owner", "Due", "Amount", "Status"],
        Enumerable.Range(0, rows).Select(_ => new[]
        {
            $"{Title(Pick(random, EnglishWords.Nouns))} {Code(random)}",
            PersonName(random),
            Date(random).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Amount(random),
            Title(Pick(random, EnglishWords.Adjectives)),
        }).ToList());
}

/// <summary>One row of the records that CSV, XLSX and JSON Lines files hold: an operations log of orders, tickets
/// and shipments with a free-text note.</summary>
internal sealed record DataRecord(string Id, DateOnly Date, string Region, string Owner, string Category, string Status, int Quantity, double Amount, string Note)
{
    public static readonly string[] Columns = ["Id", "Date", "Region", "Owner", "Category", "Status", "Quantity", "Amount", "Note"];

    public static DataRecord Create(Random random, string[] regions) => new(
        Code(random),
        ProseGenerator.Date(random),
        regions[random.Next(regions.Length)],
        PersonName(random),
        Title(Pick(random, EnglishWords.Nouns)),
        Title(Pick(random, EnglishWords.Adjectives)),
        random.Next(1, 500),
        random.Next(100, 5_000_000) / 100.0,
        random.Next(3) == 0 ? Sentence(random) + " " + Sentence(random) : Sentence(random));

    /// <summary>A few invented region names per file, so the categorical columns repeat as they do in real data.</summary>
    public static string[] Regions(Random random) => Enumerable.Range(0, random.Next(3, 8)).Select(_ => ProductName(random)).ToArray();

    public string[] Cells() =>
    [
        Id, Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Region, Owner, Category, Status,
        Quantity.ToString(CultureInfo.InvariantCulture), Amount.ToString("0.00", CultureInfo.InvariantCulture), Note,
    ];
}
