using System.Text.Json.Nodes;
using Verity.Deploy.Tests.Infrastructure;

namespace Verity.Deploy.Tests;

/// <summary>deploy/grafana/verity-dashboard.json: the six RAG signals on the first row, then HTTP, ingestion and
/// answers; every query is valid PromQL (checked with Prometheus' grammar) over the metric names Verity exports.</summary>
public sealed class DashboardTests
{
    private static readonly string DashboardPath = Repo.Path("deploy", "grafana", "verity-dashboard.json");

    [Fact]
    public async Task Dashboard_FirstRow_QueriesExactlyTheSixRagSignals()
    {
        var (rows, queries) = await ReadAsync();

        var first = rows[0];
        Assert.Equal("RAG signals", first.Title);
        Assert.Equal(6, first.Panels.Count);
        Assert.Equal(
            ["rag_embedding_cache_hit_ratio", "rag_grounded_response_ratio", "rag_index_staleness_seconds",
             "rag_retrieval_latency_seconds_bucket", "rag_retrieval_relevance_score_bucket", "rag_vectordb_query_latency_seconds_bucket"],
            first.Panels.SelectMany(p => queries[p]).SelectMany(q => q.Metrics).Distinct().Order());
        // Histograms are read as quantiles over their buckets; the vector store's latency per retrieval mode.
        Assert.All(
            first.Panels.SelectMany(p => queries[p]).Where(q => q.Metrics.Any(m => m.EndsWith("_bucket", StringComparison.Ordinal))),
            q => Assert.StartsWith("histogram_quantile(", q.Expr, StringComparison.Ordinal));
        Assert.Contains(first.Panels.SelectMany(p => queries[p]), q => q.Expr.Contains("sum by (le, mode)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_LaterRows_CoverHttpIngestionAnswersAndModels()
    {
        var (rows, queries) = await ReadAsync();

        Assert.Equal(["RAG signals", "HTTP", "Ingestion", "Answers and models"], rows.Select(r => r.Title));
        string Expressions(int row) => string.Join("\n", rows[row].Panels.SelectMany(p => queries[p]).Select(q => q.Expr));
        Assert.All(["http_server_request_duration_seconds_count", "http_server_request_duration_seconds_bucket", "http_route", "http_response_status_code"],
            s => Assert.Contains(s, Expressions(1), StringComparison.Ordinal));
        Assert.All(["rag_ingested_documents_total", "by (outcome)", "rag_ingest_queue_depth", "rag_ingest_failures_total"],
            s => Assert.Contains(s, Expressions(2), StringComparison.Ordinal));
        Assert.All(["rag_answers_total", "by (generator)", "degraded=\"true\"", "cached=\"true\"", "rag_model_circuit_open", "by (endpoint)"],
            s => Assert.Contains(s, Expressions(3), StringComparison.Ordinal));
    }

    [Fact]
    public void Dashboard_Layout_HasUniqueIdsNoOverlapsAndTheDatasourceVariable()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(DashboardPath))!;
        var panels = dashboard["panels"]!.AsArray().Select(p => p!).ToList();

        Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
        var cells = new HashSet<(int X, int Y)>();
        foreach (var panel in panels)
        {
            var grid = panel["gridPos"]!;
            var (x, y, w, h) = ((int)grid["x"]!, (int)grid["y"]!, (int)grid["w"]!, (int)grid["h"]!);
            Assert.True(x + w <= 24, $"panel {panel["title"]} is wider than the dashboard");
            for (var i = x; i < x + w; i++)
            {
                for (var j = y; j < y + h; j++)
                {
                    Assert.True(cells.Add((i, j)), $"panel {panel["title"]} overlaps another at ({i}, {j})");
                }
            }
        }

        var variable = Assert.Single(dashboard["templating"]!["list"]!.AsArray())!;
        Assert.Equal("datasource", (string)variable["type"]!);
        Assert.All(panels.Where(p => (string)p["type"]! != "row"), p => Assert.Equal("${datasource}", (string)p["datasource"]!["uid"]!));
    }

    [Fact]
    public async Task PromQlCheck_BrokenQueryInADashboard_Fails()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(DashboardPath))!;
        dashboard["panels"]![1]!["targets"]![0]!["expr"] = "histogram_quantile(0.95, sum by (le) (rate(rag_retrieval_latency_seconds_bucket[5m])";
        var copy = Path.Combine(Path.GetTempPath(), $"verity-dashboard-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(copy, dashboard.ToJsonString());
        try
        {
            var result = await DeployTools.PromQlAsync(copy);

            Assert.Equal(1, result.ExitCode);
            var failed = Assert.Single(JsonNode.Parse(result.StandardOutput)!.AsArray(), r => !(bool)r!["ok"]!)!;
            Assert.Contains("\"Retrieval latency\" A", (string)failed["source"]!, StringComparison.Ordinal);
            Assert.Contains("syntax error", (string)failed["error"]!, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private sealed record Row(string Title, List<int> Panels);

    private sealed record Query(string Expr, List<string> Metrics);

    // Rows in order with their panels' ids, and each panel's queries as parsed by promql.mjs (which must accept all).
    private static async Task<(List<Row> Rows, Dictionary<int, List<Query>> Queries)> ReadAsync()
    {
        var rows = new List<Row>();
        foreach (var panel in JsonNode.Parse(File.ReadAllText(DashboardPath))!["panels"]!.AsArray())
        {
            if ((string)panel!["type"]! == "row")
            {
                rows.Add(new Row((string)panel["title"]!, []));
            }
            else
            {
                Assert.NotEmpty(rows);
                rows[^1].Panels.Add((int)panel["id"]!);
            }
        }

        var result = await DeployTools.PromQlAsync(DashboardPath);
        Assert.True(result.ExitCode == 0, result.ToString());
        var queries = JsonNode.Parse(result.StandardOutput)!.AsArray()
            .GroupBy(r => int.Parse(((string)r!["source"]!).Split(' ')[1]))
            .ToDictionary(
                g => g.Key,
                g => g.Select(r => new Query((string)r!["expr"]!, r["metrics"]!.AsArray().Select(m => (string)m!).ToList())).ToList());
        return (rows, queries);
    }
}
