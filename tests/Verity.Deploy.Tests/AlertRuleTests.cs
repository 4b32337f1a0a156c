using System.Text.Json.Nodes;
using Verity.Deploy.Tests.Infrastructure;

namespace Verity.Deploy.Tests;

/// <summary>deploy/prometheus/alerts.yml: the alerts the issue asks for, valid PromQL, and a runbook entry in
/// docs/deployment.md for each one.</summary>
public sealed class AlertRuleTests
{
    [Fact]
    public async Task Alerts_Parsed_CoverEverySignalWithValidPromQl()
    {
        var alerts = await AlertsAsync();

        Assert.Superset(
            new HashSet<string>(["VerityHighErrorRate", "VerityRetrievalLatencyHigh", "VerityGroundedRatioDropped", "VerityIndexStale",
                "VerityIngestBacklog", "VerityModelCircuitOpen", "VerityNotReady"]),
            alerts.Select(a => (string)a["alert"]!).ToHashSet());
        var result = await DeployTools.PromQlAsync(Repo.Path("deploy", "prometheus", "alerts.yml"));
        Assert.True(result.ExitCode == 0, result.ToString());
        var metrics = JsonNode.Parse(result.StandardOutput)!.AsArray().SelectMany(r => r!["metrics"]!.AsArray().Select(m => (string)m!)).ToHashSet();
        Assert.Superset(
            new HashSet<string>(["http_server_request_duration_seconds_count", "rag_retrieval_latency_seconds_bucket", "rag_grounded_response_ratio",
                "rag_index_staleness_seconds", "rag_ingest_queue_depth", "rag_model_circuit_open", "probe_success"]),
            metrics);
    }

    [Fact]
    public async Task Alerts_EachOne_HasSeverityDurationSummaryAndARunbookSection()
    {
        var alerts = await AlertsAsync();
        var docs = Repo.Read("docs", "deployment.md").Split('\n');

        Assert.All(alerts, alert =>
        {
            var name = (string)alert["alert"]!;
            Assert.Contains((string)alert["labels"]!["severity"]!, new[] { "page", "ticket" });
            Assert.Matches(@"^\d+[mh]$", (string)alert["for"]!);
            Assert.False(string.IsNullOrWhiteSpace((string?)alert["annotations"]!["summary"]), name);
            Assert.Equal($"docs/deployment.md#{name.ToLowerInvariant()}", (string)alert["annotations"]!["runbook_url"]!);
            Assert.Contains($"#### {name}", docs);
        });
    }

    private static async Task<List<JsonObject>> AlertsAsync()
    {
        var rules = (await DeployTools.YamlAsync("deploy", "prometheus", "alerts.yml"))[0]!;
        return rules["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!.AsObject()).ToList();
    }
}
