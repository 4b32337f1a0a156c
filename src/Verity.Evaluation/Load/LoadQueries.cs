using System.Text.Json;
using Verity.Core;

namespace Verity.Evaluation.Load;

/// <summary>The questions a load run sends: from a file, else the demo's question set when run inside the
/// repository, else a built-in list.</summary>
public static class LoadQueries
{
    public const string DemoQuestionsPath = "demo/questions.jsonl";

    /// <summary>Generic knowledge-base questions, for servers whose corpus is unknown: retrieval runs the same
    /// work whether or not a question is answerable.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } =
    [
        "How many days of annual leave do employees get?",
        "How do I reset my password?",
        "Who approves production access?",
        "What is the expense limit for meals when travelling?",
        "How do I set up multi-factor authentication?",
        "What is the on-call rotation?",
        "How long are backups retained?",
        "How do I report a security incident?",
        "What is the parental leave policy?",
        "How do I rotate TLS certificates?",
        "What are the API rate limits?",
        "How do I request a new laptop?",
        "What happens during the first week of onboarding?",
        "How do I roll back a deployment?",
        "What is the learning and training budget?",
        "How are performance reviews run?",
        "Can I work remotely from another country?",
        "How do customers request deletion of their data?",
        "What is the uptime commitment in the SLA?",
        "How do I authenticate to the API?",
    ];

    /// <summary>The queries of <paramref name="path"/> if given, else of the nearest <c>demo/questions.jsonl</c>
    /// above <paramref name="currentDirectory"/>, else <see cref="BuiltIn"/>.</summary>
    /// <returns>The queries and where they came from (a path, or "built-in").</returns>
    /// <exception cref="InvalidRequestException">The file is missing, malformed or holds no query.</exception>
    public static (IReadOnlyList<string> Queries, string Source) Resolve(string? path, string currentDirectory)
    {
        if (path is not null)
        {
            return (ReadFile(path), path);
        }

        var demo = FindUpwards(currentDirectory, DemoQuestionsPath);
        return demo is null ? (BuiltIn, "built-in") : (ReadFile(demo), demo);
    }

    public static IReadOnlyList<string> ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidRequestException($"The queries file '{path}' does not exist.", "queries");
        }

        var queries = Parse(File.ReadLines(path), path);
        return queries.Count > 0 ? queries : throw new InvalidRequestException($"'{path}' holds no queries.", "queries");
    }

    /// <summary>One query per line: a JSON object's <c>question</c> (else <c>query</c>) string, or the line itself
    /// when it is not JSON. Blank lines and blank queries are skipped.</summary>
    public static IReadOnlyList<string> Parse(IEnumerable<string> lines, string source)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var queries = new List<string>();
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var query = line.StartsWith('{') ? FromJson(line, source, number) : line;
            if (!string.IsNullOrWhiteSpace(query))
            {
                queries.Add(query);
            }
        }

        return queries;
    }

    public static string? FindUpwards(string startDirectory, string relativePath)
    {
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string FromJson(string line, string source, int number)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            foreach (var name in new[] { "question", "query" })
            {
                if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString()!;
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidRequestException($"Line {number} of '{source}' is not valid JSON: {e.Message}", "queries");
        }

        throw new InvalidRequestException($"Line {number} of '{source}' has no \"question\" or \"query\" string.", "queries");
    }
}
