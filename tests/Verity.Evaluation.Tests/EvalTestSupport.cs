using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Verity.Evaluation.Metrics;

namespace Verity.Evaluation.Tests;

/// <summary>A folder under the system temp directory, removed (with any SQLite files) on dispose.</summary>
internal sealed class EvalTempFolder : IDisposable
{
    public EvalTempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "verity-eval-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail a test.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Writes BEIR-layout files (corpus.jsonl, queries.jsonl, qrels/test.tsv) for tests.</summary>
internal static class BeirFiles
{
    public const string QrelsHeader = "query-id\tcorpus-id\tscore";

    public static string Document(string id, string? title, string text) =>
        title is null
            ? JsonSerializer.Serialize(new { _id = id, text })
            : JsonSerializer.Serialize(new { _id = id, title, text });

    public static string Query(string id, string text) => JsonSerializer.Serialize(new { _id = id, text });

    public static void Write(string directory, IEnumerable<string> corpusLines, IEnumerable<string> queryLines, IEnumerable<string> qrelsLines)
    {
        Directory.CreateDirectory(Path.Combine(directory, "qrels"));
        File.WriteAllText(Path.Combine(directory, "corpus.jsonl"), Lines(corpusLines));
        File.WriteAllText(Path.Combine(directory, "queries.jsonl"), Lines(queryLines));
        File.WriteAllText(Path.Combine(directory, "qrels", "test.tsv"), Lines(qrelsLines));
    }

    private static string Lines(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}

/// <summary>Hand-made evaluation reports for the report and gate tests.</summary>
internal static class SampleReports
{
    public static RunResult Run(string name, string kind, double ndcg, double qps = 100, double p99 = 4) =>
        new(name, kind, ndcg, 0.8, 0.95, 0.7, new LatencySummary(1.5, 3, p99, 1.8, p99 + 1), qps);

    public static EvaluationReport Report(string dataset, params RunResult[] runs) => new()
    {
        Dataset = dataset,
        Queries = 300,
        Index = new IndexSummary(5183, 9000, "hashing-v1", "chunker-v1", Reused: false, IngestSeconds: 12.5, Failed: 0),
        Runs = runs,
        BuildSeconds = new Dictionary<string, double> { ["verity"] = 12.5, ["lucene-bm25"] = 1.25 },
        Answers = new AnswerResult(300, 0.9, 0.75, 0.8, 0, 30, 0.97, new LatencySummary(2, 5, 8, 2.5, 9)),
        Machine = new MachineInfo("Linux test", 8, ".NET 10.0", 16L << 30),
        MeasuredAt = new DateTimeOffset(2025, 11, 24, 9, 30, 0, TimeSpan.Zero),
    };

    /// <summary>The three Verity modes and both peers, as an evaluation with peers reports them.</summary>
    public static EvaluationReport Full(string dataset = "scifact") => Report(
        dataset,
        Run("lexical", "verity", 0.70, qps: 200, p99: 3),
        Run("dense", "verity", 0.50, qps: 50, p99: 8),
        Run("hybrid", "verity", 0.72, qps: 40, p99: 12),
        Run("lucene-bm25", "peer", 0.35, qps: 100, p99: 6),
        Run("sqlite-fts5", "peer", 0.60, qps: 400, p99: 1));
}
