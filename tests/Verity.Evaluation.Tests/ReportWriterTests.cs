using System.Text.Json;
using Verity.Evaluation.Reports;

namespace Verity.Evaluation.Tests;

public sealed class ReportWriterTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly EvalTempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static List<string> Keys(JsonElement element) =>
        element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

    // ---------------------------------------------------------------- ToJson

    [Fact]
    public void ToJson_FullReport_HasDocumentedSnakeCaseShape()
    {
        using var json = JsonDocument.Parse(ReportWriter.ToJson(SampleReports.Full()));
        var root = json.RootElement;

        Assert.Equal(
            ["answers", "build_seconds", "dataset", "index", "machine", "measured_at", "queries", "runs"],
            Keys(root));
        Assert.Equal("scifact", root.GetProperty("dataset").GetString());
        Assert.Equal(300, root.GetProperty("queries").GetInt32());

        var runs = root.GetProperty("runs");
        Assert.Equal(5, runs.GetArrayLength());
        foreach (var run in runs.EnumerateArray())
        {
            Assert.Equal(
                ["kind", "latency_ms", "mrr_at_10", "name", "ndcg_at_10", "queries_per_second", "recall_at_10", "recall_at_100"],
                Keys(run));
            Assert.Equal(["max", "mean", "p50", "p95", "p99"], Keys(run.GetProperty("latency_ms")));
        }

        var lexical = runs[0];
        Assert.Equal("lexical", lexical.GetProperty("name").GetString());
        Assert.Equal("verity", lexical.GetProperty("kind").GetString());
        Assert.Equal(0.70, lexical.GetProperty("ndcg_at_10").GetDouble());
        Assert.Equal(0.8, lexical.GetProperty("recall_at_10").GetDouble());
        Assert.Equal(0.95, lexical.GetProperty("recall_at_100").GetDouble());
        Assert.Equal(0.7, lexical.GetProperty("mrr_at_10").GetDouble());
        Assert.Equal(1.5, lexical.GetProperty("latency_ms").GetProperty("p50").GetDouble());
        Assert.Equal(3, lexical.GetProperty("latency_ms").GetProperty("p95").GetDouble());
        Assert.Equal(3, lexical.GetProperty("latency_ms").GetProperty("p99").GetDouble());
        Assert.Equal("lucene-bm25", runs[3].GetProperty("name").GetString());
    }

    [Fact]
    public void ToJson_NestedObjects_AreSnakeCaseAndKeepDictionaryKeys()
    {
        using var json = JsonDocument.Parse(ReportWriter.ToJson(SampleReports.Full()));
        var root = json.RootElement;

        Assert.Equal(
            ["chunker_version", "chunks", "documents", "embedding_model", "failed", "ingest_seconds", "reused"],
            Keys(root.GetProperty("index")));
        Assert.Equal(
            ["answered_rate", "citation_precision", "invalid_citations", "latency_ms", "off_topic_idk_rate", "off_topic_questions", "questions", "supported_sentence_share"],
            Keys(root.GetProperty("answers")));
        // Dictionary keys are run names and stay as they are.
        Assert.Equal(["lucene-bm25", "verity"], Keys(root.GetProperty("build_seconds")));
        Assert.Equal(["cores", "memory_bytes", "os", "runtime"], Keys(root.GetProperty("machine")));
    }

    [Fact]
    public void ToJson_WithoutAnswers_WritesNull()
    {
        var report = SampleReports.Full() with { Answers = null };

        using var json = JsonDocument.Parse(ReportWriter.ToJson(report));

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("answers").ValueKind);
    }

    [Fact]
    public void ToJson_RoundTrip_DeserializesToEqualRuns()
    {
        var report = SampleReports.Full();

        var back = JsonSerializer.Deserialize<EvaluationReport>(ReportWriter.ToJson(report), ReportWriter.Json)!;

        Assert.Equal(report.Runs, back.Runs);
        Assert.Equal(report.Index, back.Index);
        Assert.Equal(report.Answers, back.Answers);
    }

    // ---------------------------------------------------------------- Markdown

    [Fact]
    public void Markdown_FullReport_HasRunsTable()
    {
        var md = ReportWriter.Markdown(SampleReports.Full());

        Assert.StartsWith("# Evaluation: scifact", md, StringComparison.Ordinal);
        Assert.Contains("| run | kind | nDCG@10 | Recall@10 | Recall@100 | MRR@10 | p50 ms | p95 ms | p99 ms | queries/s |", md, StringComparison.Ordinal);
        Assert.Contains("| lexical | verity | 0.700 | 0.800 | 0.950 | 0.700 | 1.50 | 3.00 | 3.00 | 200 |", md, StringComparison.Ordinal);
        Assert.Contains("| lucene-bm25 | peer | 0.350 | 0.800 | 0.950 | 0.700 | 1.50 | 3.00 | 6.00 | 100 |", md, StringComparison.Ordinal);
        Assert.Contains("| sqlite-fts5 | peer | 0.600 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_LuceneRunPresent_HasRatioRowsForVerityRunsOnly()
    {
        var md = ReportWriter.Markdown(SampleReports.Full());

        Assert.Contains("Ratios against the Lucene.NET BM25 peer", md, StringComparison.Ordinal);
        // lexical: nDCG 0.70 / 0.35 = 2.00; q/s 200 / 100 = 2.00; p99 3 / 6 = 0.50.
        Assert.Contains("| lexical | 2.00× | 2.00× | 0.50× |", md, StringComparison.Ordinal);
        // dense: 0.50 / 0.35 = 1.43; 50 / 100 = 0.50; 8 / 6 = 1.33.
        Assert.Contains("| dense | 1.43× | 0.50× | 1.33× |", md, StringComparison.Ordinal);
        // hybrid: 0.72 / 0.35 = 2.06; 40 / 100 = 0.40; 12 / 6 = 2.00.
        Assert.Contains("| hybrid | 2.06× | 0.40× | 2.00× |", md, StringComparison.Ordinal);
        Assert.DoesNotContain("| sqlite-fts5 |", md.Split("Ratios against")[1], StringComparison.Ordinal);
        Assert.DoesNotContain("| lucene-bm25 |", md.Split("Ratios against")[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_NoLuceneRun_HasNoRatios()
    {
        var report = SampleReports.Report("scifact", SampleReports.Run("lexical", "verity", 0.7));

        var md = ReportWriter.Markdown(report);

        Assert.DoesNotContain("Ratios", md, StringComparison.Ordinal);
        Assert.Empty(ReportWriter.Ratios(report));
    }

    [Fact]
    public void Ratios_PeerWithZeroThroughput_YieldsZeroInsteadOfInfinity()
    {
        var report = SampleReports.Report(
            "x", SampleReports.Run("lexical", "verity", 0.7, qps: 10, p99: 2), SampleReports.Run("lucene-bm25", "peer", 0, qps: 0, p99: 0));

        var (name, ndcg, qps, p99) = Assert.Single(ReportWriter.Ratios(report));

        Assert.Equal("lexical", name);
        Assert.Equal(0, ndcg);
        Assert.Equal(0, qps);
        Assert.Equal(0, p99);
    }

    [Fact]
    public void Markdown_Scifact_HasPublishedBm25Line()
    {
        var md = ReportWriter.Markdown(SampleReports.Full("scifact"));

        Assert.Contains("Published nDCG@10 on this dataset: BM25 (BEIR) 0.665", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_UnknownDataset_HasNoPublishedLine()
    {
        var md = ReportWriter.Markdown(SampleReports.Full("my-corpus"));

        Assert.DoesNotContain("Published", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_WithAnswers_HasAnswersTable()
    {
        var md = ReportWriter.Markdown(SampleReports.Full());

        Assert.Contains("## Answers", md, StringComparison.Ordinal);
        // Answers: 300 questions, 90 % answered, 75 % precision, 80 % supported, 0 invalid, 30 off-topic, 97 % declined,
        // p50 2 ms, p95 5 ms.
        var row = md.Split('\n').Single(l => l.StartsWith("| 300 |", StringComparison.Ordinal));
        Assert.Equal(
            ["300", "90", "75", "80", "0", "30", "97", "2.00", "5.00"],
            row.Trim().Trim('|').Split('|').Select(c => c.Trim().TrimEnd('%').Trim()));
    }

    [Fact]
    public void Markdown_ReusedIndex_SaysSo()
    {
        var report = SampleReports.Full() with { Index = SampleReports.Full().Index with { Reused = true } };

        Assert.Contains("reused an index", ReportWriter.Markdown(report), StringComparison.Ordinal);
        Assert.DoesNotContain("reused an index", ReportWriter.Markdown(SampleReports.Full()), StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- Write

    [Fact]
    public void Write_FullReport_CreatesAllFiveFilesWithPngCharts()
    {
        var directory = _temp.Combine("report", "nested");

        var files = ReportWriter.Write(SampleReports.Full(), directory);

        string[] expected = ["latency.png", "ndcg.png", "report.html", "report.json", "report.md"];
        Assert.Equal(expected, files.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(expected, Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var png in new[] { "ndcg.png", "latency.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(directory, png));
            Assert.True(bytes.Length > PngSignature.Length, $"{png} is empty");
            Assert.Equal(PngSignature, bytes[..PngSignature.Length]);
        }

        Assert.Equal(ReportWriter.ToJson(SampleReports.Full()), File.ReadAllText(Path.Combine(directory, "report.json")));
        var md = File.ReadAllText(Path.Combine(directory, "report.md"));
        Assert.Contains("![nDCG@10 by run](ndcg.png)", md, StringComparison.Ordinal);
        Assert.Contains("![Query latency by run](latency.png)", md, StringComparison.Ordinal);
        var html = File.ReadAllText(Path.Combine(directory, "report.html"));
        Assert.Contains("<img src=\"ndcg.png\"", html, StringComparison.Ordinal);
        Assert.Contains("<img src=\"latency.png\"", html, StringComparison.Ordinal);
        Assert.Contains("<th>run</th>", html, StringComparison.Ordinal);
        Assert.Contains("<td>lexical</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_HostileDatasetName_IsHtmlEscaped()
    {
        const string hostile = "<script>alert('x')</script>&\"";
        var directory = _temp.Combine("hostile");

        ReportWriter.Write(SampleReports.Full(hostile), directory);

        var html = File.ReadAllText(Path.Combine(directory, "report.html"));
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<title>Verity evaluation: &lt;script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_HostileRunAndModelNames_AreHtmlEscaped()
    {
        var report = SampleReports.Report("x", SampleReports.Run("<img src=x onerror=alert(1)>", "verity", 0.5)) with
        {
            Index = new IndexSummary(1, 1, "<b>model</b>", "v1", false, 1, 0),
        };
        var directory = _temp.Combine("hostile-run");

        ReportWriter.Write(report, directory);

        var html = File.ReadAllText(Path.Combine(directory, "report.html"));
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>model</b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
    }
}
