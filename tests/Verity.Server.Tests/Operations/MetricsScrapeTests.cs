using System.Net;
using System.Net.Http.Json;

namespace Verity.Server.Tests.Operations;

/// <summary>
/// <c>/metrics</c> scraped after real requests: every metric the dashboard and the alert rules query is there, under
/// its contract name, with its labels and plausible values. Counters are compared with at least what this test did:
/// meters are process-wide, so servers of other tests still alive (the fake model's too) may add to them.
/// </summary>
[Collection(SerialMetrics.Name)]
public sealed class MetricsScrapeTests(TelemetryHost host) : IClassFixture<TelemetryHost>
{
    private static readonly string[] Questions =
        ["Where is the VPN gateway?", "Within how many days are receipts submitted?", "When do rotations change?"];

    private static int Chats => Questions.Length;

    [Fact]
    public async Task Metrics_AfterChatSearchAndIngest_ExposeEveryContractMetricWithPlausibleValues()
    {
        // Different questions: a repeated one would be served by the answer cache, without a retrieval.
        foreach (var question in Questions)
        {
            var chat = await host.Client.PostAsJsonAsync("/v1/chat", new { question });
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        // The same query twice: the second embedding comes from the cache.
        for (var i = 0; i < 2; i++)
        {
            var search = await host.Client.PostAsJsonAsync("/v1/search", new { query = "coffee machines kitchen" });
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        }

        var added = await host.Client.PostAsJsonAsync("/v1/documents", new { id = "ops/added", text = "The loading dock opens at seven.", media_type = "text/plain" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var rejected = await host.Client.PostAsJsonAsync("/v1/documents", new { id = "ops/empty", text = "<p> </p>", media_type = "text/html" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        var doomed = await host.Client.PostAsJsonAsync("/v1/documents", new { id = "ops/doomed", text = "The old canteen menu.", media_type = "text/plain" });
        Assert.Equal(HttpStatusCode.Created, doomed.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.DeleteAsync("/v1/documents/ops/doomed")).StatusCode);

        // The sampler reads the new index change within its 50 ms interval.
        var scrape = await ScrapeUntilAsync(s => s.Named("rag_index_staleness_seconds").Count > 0);

        AssertHistogram(scrape, "rag_retrieval_latency_seconds", "mode", Chats + 2);
        AssertHistogram(scrape, "rag_vectordb_query_latency_seconds", "mode", Chats + 2);
        AssertHistogram(scrape, "rag_retrieval_relevance_score", "mode", Chats + 2);
        Assert.All(scrape.Named("rag_retrieval_latency_seconds_count"), s => Assert.Contains(s.Label("mode"), new[] { "hybrid", "dense", "lexical" }));
        Assert.All(scrape.Named("rag_vectordb_query_latency_seconds_count"), s => Assert.Contains(s.Label("mode"), new[] { "hybrid", "dense", "lexical" }));

        AssertGauge(scrape, "rag_embedding_cache_hit_ratio", 0, 1);
        AssertGauge(scrape, "rag_grounded_response_ratio", 0, 1);
        AssertGauge(scrape, "rag_index_staleness_seconds", 0, 3600);
        AssertGauge(scrape, "rag_ingest_queue_depth", 0, 1_000_000);
        Assert.Equal("gauge", scrape.Types["rag_model_circuit_open"]);
        Assert.Contains(scrape.Named("rag_model_circuit_open"), s => s.Label("endpoint") == "primary" && s.Value is 0 or 1);

        Assert.Equal("counter", scrape.Types["rag_answers_total"]);
        var answers = scrape.Named("rag_answers_total");
        Assert.All(answers, s =>
        {
            Assert.NotEmpty(s.Label("generator"));
            Assert.Contains(s.Label("degraded"), new[] { "true", "false" });
            Assert.Contains(s.Label("cached"), new[] { "true", "false" });
        });
        Assert.True(answers.Where(s => s.Label("generator") == "primary").Sum(s => s.Value) >= Chats, Describe(answers));

        Assert.Equal("counter", scrape.Types["rag_ingested_documents_total"]);
        var ingested = scrape.Named("rag_ingested_documents_total");
        Assert.True(ingested.Where(s => s.Label("outcome") == "added").Sum(s => s.Value) >= TestDocuments.All.Length + 1, Describe(ingested));
        Assert.True(ingested.Where(s => s.Label("outcome") == "rejected").Sum(s => s.Value) >= 1, Describe(ingested));
        Assert.True(ingested.Where(s => s.Label("outcome") == "deleted").Sum(s => s.Value) >= 1, Describe(ingested));
        Assert.Equal("counter", scrape.Types["rag_ingest_failures_total"]);
        Assert.True(Assert.Single(scrape.Named("rag_ingest_failures_total")).Value >= 1);

        // Every series names method and status; the route is missing only where no endpoint matched (404).
        AssertHistogram(scrape, "http_server_request_duration_seconds", "http_response_status_code", Chats);
        var chats = scrape.Named("http_server_request_duration_seconds_count")
            .Where(s => s.Label("http_route") == "/v1/chat" && s.Label("http_request_method") == "POST" && s.Label("http_response_status_code") == "200");
        Assert.True(chats.Sum(s => s.Value) >= Chats, Describe(chats));
        Assert.Contains(
            scrape.Named("http_server_request_duration_seconds_count"),
            s => s.Label("http_route") == "/v1/documents/" && s.Label("http_response_status_code") == "422");
    }

    [Fact]
    public async Task Metrics_Scrape_IsUnauthenticatedTextWithTheProcessIdentityAndNoSecret()
    {
        using var anonymous = new HttpClient { BaseAddress = host.Client.BaseAddress };
        using var response = await anonymous.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var target = Assert.Single(PrometheusText.Parse(text).Named("target_info"));
        Assert.Equal("verity", target.Label("service_name"));
        Assert.Equal("all", target.Label("verity_role"));
        Assert.NotEmpty(target.Label("service_instance_id"));
        Assert.DoesNotContain(TelemetryHost.ModelApiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Model.BaseUrl.Authority, text, StringComparison.Ordinal);
    }

    private async Task<PrometheusText> ScrapeUntilAsync(Func<PrometheusText, bool> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var scrape = await PrometheusText.ScrapeAsync(host.Client);
            if (ready(scrape) || DateTime.UtcNow > deadline)
            {
                return scrape;
            }

            await Task.Delay(25);
        }
    }

    /// <summary>A histogram family: declared as one, each series with cumulative buckets ending in +Inf, the +Inf
    /// buckets adding up to the counts, non-negative sums, the label on every series, and at least
    /// <paramref name="atLeast"/> observations.</summary>
    /// <remarks>Series are read in the order they are written (buckets, then sum and count), not by their labels: the
    /// servers of other tests in this process (even the fake model's) can write series with the same labels.</remarks>
    private static void AssertHistogram(PrometheusText scrape, string name, string label, int atLeast)
    {
        Assert.True(scrape.Types.TryGetValue(name, out var type), $"{name} is not in the scrape");
        Assert.Equal("histogram", type);
        var counts = scrape.Named(name + "_count");
        Assert.NotEmpty(counts);
        Assert.True(counts.Sum(c => c.Value) >= atLeast, $"{name}: {Describe(counts)}");
        Assert.All(counts, c => Assert.NotEmpty(c.Label(label)));
        Assert.All(scrape.Named(name + "_sum"), s => Assert.True(s.Value >= 0, $"{name}_sum {s.Value}"));

        var series = new List<List<PrometheusSample>> { new() };
        foreach (var bucket in scrape.Named(name + "_bucket"))
        {
            series[^1].Add(bucket);
            if (bucket.Label("le") == "+Inf")
            {
                series.Add([]);
            }
        }

        Assert.Empty(series[^1]);
        series.RemoveAt(series.Count - 1);
        Assert.Equal(counts.Count, series.Count);
        foreach (var buckets in series)
        {
            Assert.True(buckets.Count > 2, $"{name} {Series(buckets[0])} has {buckets.Count} buckets");
            Assert.True(buckets.Zip(buckets.Skip(1)).All(p => p.First.Value <= p.Second.Value), $"{name} buckets are not cumulative: {Describe(buckets)}");
        }

        Assert.Equal(counts.Sum(c => c.Value), series.Sum(b => b[^1].Value));
    }

    private static void AssertGauge(PrometheusText scrape, string name, double min, double max)
    {
        Assert.True(scrape.Types.TryGetValue(name, out var type), $"{name} is not in the scrape");
        Assert.Equal("gauge", type);
        var samples = scrape.Named(name);
        Assert.NotEmpty(samples);
        Assert.All(samples, s => Assert.InRange(s.Value, min, max));
    }

    private static string Series(PrometheusSample sample) =>
        string.Join(",", sample.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private static string Describe(IEnumerable<PrometheusSample> samples) =>
        string.Join("; ", samples.Select(s => $"{s.Name}{{{Series(s)}}} {s.Value}"));
}
