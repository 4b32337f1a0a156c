using System.Text;
using System.Text.RegularExpressions;
using Verity.Core.Documents;
using Verity.Core.Text;

namespace Verity.Core.Tests.Chunking;

/// <summary>Generated documents whose sentences and table rows are all distinct, so every chunk can be traced back
/// to the section it came from.</summary>
internal static partial class ChunkingFixtures
{
    public static readonly TiktokenTokenCounter Tokens = new();

    private static readonly string[] Services =
        ["billing", "search", "gateway", "ledger", "mailer", "scheduler", "exporter", "auth", "catalog", "payments"];

    public static string Prose(int sentences, string tag)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < sentences; i++)
        {
            if (i > 0)
            {
                builder.Append(i % 4 == 0 ? "\n\n" : " ");
            }

            builder.Append($"{tag} step {i} checks the {Services[i % Services.Length]} service before traffic moves on.");
        }

        return builder.ToString();
    }

    public static string Table(int rows, string tag) => string.Join("\n", Enumerable.Range(0, rows).Select(i =>
        $"Plan: {tag}-{i}; Limit: {(i + 1) * 250} requests per minute; Region: {Services[i % Services.Length]}-{i}"));

    public static DocumentSection Section(string text, params string[] headings) => new(headings, text);

    /// <summary>Large and small sections, nested headings, a table and pages: the mix the loaders produce.</summary>
    public static ParsedDocument Mixed() => new("Operations guide",
    [
        Section(Prose(3, "Welcome"), "Guide"),
        Section(Prose(2, "Linux"), "Guide", "Install", "Linux"),
        Section(Prose(2, "Windows"), "Guide", "Install", "Windows"),
        Section(Prose(1, "Mac"), "Guide", "Install", "Mac"),
        Section(Prose(90, "Configure"), "Guide", "Configure"),
        Section(Table(40, "Plans"), "Guide", "Configure", "Limits"),
        Section(Prose(6, "Backups"), "Guide", "Operate", "Backups") with { Page = 4 },
        Section(Prose(6, "Restores"), "Guide", "Operate", "Restores") with { Page = 5 },
        Section(Prose(2, "Faq"), "Guide", "FAQ"),
        Section("   ", "Guide", "Empty"),
    ]);

    public static IEnumerable<string> Words(string text) => Whitespace().Split(text).Where(w => w.Length > 0);

    /// <summary>The text with every run of whitespace as one space: chunk boundaries may re-space a text.</summary>
    public static string Squash(string text) => Whitespace().Replace(text, " ").Trim();

    public static IEnumerable<string> Sentences(ParsedDocument document) =>
        document.Sections.SelectMany(s => Text.Sentences.Split(s.Text));

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
