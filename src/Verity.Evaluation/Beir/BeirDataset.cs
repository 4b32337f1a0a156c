using System.Security.Cryptography;
using System.Text.Json;

namespace Verity.Evaluation.Beir;

public sealed record BeirDocument(string Id, string Title, string Text);

public sealed record BeirQuery(string Id, string Text);

/// <summary>
/// A retrieval benchmark in BEIR layout: <c>corpus.jsonl</c> (<c>_id</c>, <c>title</c>, <c>text</c>),
/// <c>queries.jsonl</c> (<c>_id</c>, <c>text</c>) and <c>qrels/test.tsv</c> (header, then query-id, corpus-id,
/// graded relevance). Only queries judged in the qrels are evaluated, as BEIR does.
/// </summary>
public sealed class BeirDataset
{
    private BeirDataset(string name, string directory, IReadOnlyList<BeirQuery> queries,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> qrels, string corpusHash)
    {
        Name = name;
        Directory = directory;
        TestQueries = queries;
        Qrels = qrels;
        CorpusHash = corpusHash;
    }

    public string Name { get; }

    public string Directory { get; }

    /// <summary>The queries that have judgements, in file order.</summary>
    public IReadOnlyList<BeirQuery> TestQueries { get; }

    /// <summary>query id → (document id → relevance grade).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Qrels { get; }

    /// <summary>SHA-256 of corpus.jsonl: an index built from the same corpus and configuration can be reused.</summary>
    public string CorpusHash { get; }

    public string CorpusPath => Path.Combine(Directory, "corpus.jsonl");

    public static BeirDataset Load(string directory)
    {
        var full = Path.GetFullPath(directory);
        foreach (var required in new[] { "corpus.jsonl", "queries.jsonl", Path.Combine("qrels", "test.tsv") })
        {
            if (!File.Exists(Path.Combine(full, required)))
            {
                throw new FileNotFoundException($"'{full}' is not a BEIR dataset: {required} is missing.", Path.Combine(full, required));
            }
        }

        var qrels = ReadQrels(Path.Combine(full, "qrels", "test.tsv"));
        var queries = new List<BeirQuery>();
        foreach (var (line, number) in File.ReadLines(Path.Combine(full, "queries.jsonl")).Select((l, i) => (l, i + 1)))
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var element = Parse(line, "queries.jsonl", number);
            var id = RequiredString(element, "_id", "queries.jsonl", number);
            if (qrels.ContainsKey(id))
            {
                queries.Add(new BeirQuery(id, RequiredString(element, "text", "queries.jsonl", number)));
            }
        }

        string hash;
        using (var stream = File.OpenRead(Path.Combine(full, "corpus.jsonl")))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return new BeirDataset(new DirectoryInfo(full).Name, full, queries, qrels, hash);
    }

    /// <summary>Streams the corpus; a line that is not a valid document stops with its line number.</summary>
    public IEnumerable<BeirDocument> ReadCorpus()
    {
        var number = 0;
        foreach (var line in File.ReadLines(CorpusPath))
        {
            number++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var element = Parse(line, "corpus.jsonl", number);
            var title = element.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            yield return new BeirDocument(RequiredString(element, "_id", "corpus.jsonl", number), title, RequiredString(element, "text", "corpus.jsonl", number));
        }
    }

    private static Dictionary<string, IReadOnlyDictionary<string, int>> ReadQrels(string path)
    {
        var result = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var fields = line.Split('\t');
            if (number == 1 && fields[0] == "query-id")
            {
                continue;
            }

            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (fields.Length < 3 || !int.TryParse(fields[2], out var grade))
            {
                throw new FormatException($"qrels/test.tsv line {number}: expected 'query-id<TAB>corpus-id<TAB>score'.");
            }

            if (!result.TryGetValue(fields[0], out var judged))
            {
                result[fields[0]] = judged = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            judged[fields[1]] = grade;
        }

        return result.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, int>)p.Value, StringComparer.Ordinal);
    }

    private static JsonElement Parse(string line, string file, int number)
    {
        JsonElement element;
        try
        {
            using var document = JsonDocument.Parse(line);
            element = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new FormatException($"{file} line {number} is not valid JSON: {e.Message}", e);
        }

        return element.ValueKind == JsonValueKind.Object
            ? element
            : throw new FormatException($"{file} line {number} is not a JSON object.");
    }

    private static string RequiredString(JsonElement element, string name, string file, int number) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"{file} line {number}: the string field '{name}' is missing.");
}
