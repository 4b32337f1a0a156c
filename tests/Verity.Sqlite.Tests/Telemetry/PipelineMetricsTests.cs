using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Caching;
using Verity.Core.Chat;
using Verity.Core.Documents;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Telemetry;
using Verity.Core.Text;
using Verity.Sqlite.Tests.Chat;
using Verity.Sqlite.Tests.Jobs;
using Verity.Testing.Telemetry;
using static Verity.Sqlite.Tests.Telemetry.TelemetryPipeline;

namespace Verity.Sqlite.Tests.Telemetry;

/// <summary>The RAG metrics the composed pipeline records over a real SQLite index, counted exactly.</summary>
public sealed class PipelineMetricsTests
{
    [Fact]
    public async Task AskAsync_RetrievalsCachedAnswersAndSmallTalk_EachRecordedOnce()
    {
        await using var pipeline = await StartAsync();
        pipeline.Primary.Then(Script.Answer("Annual leave is twenty-five days per year [1]."));
        pipeline.Primary.Then(Script.Answer("Most companies give some leave."));
        pipeline.Primary.Then(Script.Down);
        string[] questions =
        [
            "How many days of annual leave do I get per year?",
            "Who issues parking permits?",
            "When are laptops replaced?",
        ];

        var results = new List<ChatResult>();
        foreach (var question in questions)
        {
            results.Add(await pipeline.Chat.AskAsync(Ask(question), Ct));
        }

        results.Add(await pipeline.Chat.AskAsync(Ask(questions[0]), Ct));
        results.Add(await pipeline.Chat.AskAsync(Ask("Thanks!"), Ct));

        var metrics = pipeline.Metrics;
        Assert.Equal(
            results.Select(r => (r.Generator, r.Degraded ? "true" : "false", r.Cached ? "true" : "false")),
            metrics.Of(RagMetrics.AnswersName).Select(m => (m.Tag("generator")!, m.Tag("degraded")!, m.Tag("cached")!)));
        Assert.All(metrics.Of(RagMetrics.AnswersName), m => Assert.Equal(1, m.Value));
        Assert.Equal(("primary", "extractive", "router"), (results[0].Generator, results[2].Generator, results[4].Generator));
        Assert.True(results[3].Cached);

        // One retrieval per question that was not served from the cache or routed as small talk.
        var latency = metrics.Of(RagMetrics.RetrievalLatencyName);
        Assert.Equal(questions.Length, latency.Count);
        Assert.All(latency, m => Assert.Equal("hybrid", m.Tag("mode")));
        Assert.All(latency, m => Assert.InRange(m.Value, 1e-7, 5));
        foreach (var (result, measured) in results.Take(questions.Length).Zip(latency))
        {
            Assert.Equal(result.RetrievalMs / 1000, measured.Value, 9);
        }

        // SQLite runs dense and lexical search as two queries per retrieval, each within the retrieval's time.
        var store = metrics.Of(RagMetrics.StoreQueryLatencyName);
        Assert.Equal(questions.Length, store.Count(m => m.Tag("mode") == "dense"));
        Assert.Equal(questions.Length, store.Count(m => m.Tag("mode") == "lexical"));
        Assert.All(store, m => Assert.InRange(m.Value, 1e-7, latency.Max(l => l.Value)));

        // Weighted RRF with k = 60 and weights 0.2 (dense) and 1 (lexical): every question has a keyword match, so its
        // top hit scores at least 1/61 (first by keywords) and at most 1.2/61 (first by both).
        var scores = metrics.Of(RagMetrics.RelevanceScoreName);
        Assert.Equal(questions.Length, scores.Count);
        Assert.All(scores, m => Assert.InRange(m.Value, 1.0 / 61 - 1e-12, 1.2 / 61 + 1e-12));
        Assert.Equal(results.Take(questions.Length).Select(r => r.Sources[0].Score), scores.Select(m => m.Value));

        // The grounded share of the retrieval answers (the cached one included, small talk not).
        var retrieval = results.Where(r => r.Route == ChatRoute.Retrieval).ToList();
        var grounded = Assert.Single(metrics.Observe(RagMetrics.GroundedResponseRatioName)).Value;
        Assert.Equal((double)retrieval.Count(r => r.Grounded) / retrieval.Count, grounded, 10);
        Assert.InRange(grounded, 0.25, 0.75);

        var embeddings = pipeline.Get<CacheStatistics>().Find(CachingEmbeddingGenerator.StatisticsName)!;
        var hitRatio = Assert.Single(metrics.Observe(RagMetrics.EmbeddingCacheHitRatioName)).Value;
        Assert.Equal(embeddings.HitRatio, hitRatio, 10);
        Assert.InRange(hitRatio, 0, 1);
    }

    [Fact]
    public async Task IngestAsync_EachOutcome_CountedExactlyOnce()
    {
        await using var pipeline = await StartAsync(models: 0, empty: true);

        await pipeline.IngestAsync("a", "Apples grow in orchards on the hillside.");
        await pipeline.IngestAsync("b", "Bees keep the orchard's blossoms pollinated.");
        await pipeline.IngestAsync("a", "Apples grow in orchards on the hillside.");
        await pipeline.IngestAsync("a", "Apples and pears grow in orchards on the hillside.");
        await Assert.ThrowsAsync<DocumentRejectedException>(() => pipeline.IngestAsync("c", " -- "));

        Assert.Equal(
            ["added", "added", "unchanged", "updated", "rejected"],
            pipeline.Metrics.Of(RagMetrics.IngestedDocumentsName).Select(m => m.Tag("outcome")));
        Assert.Equal(1, pipeline.Metrics.Of(RagMetrics.IngestFailuresName).Sum(m => m.Value));
    }

    [Fact]
    public async Task Worker_TransientFailureRejectionAndDelete_CountedOnceEach()
    {
        using var h = await JobHarness.CreateAsync();
        using var factory = new TestMeterFactory();
        using var metrics = new RagMetrics(factory);
        using var recorder = new MetricRecorder(factory);
        var service = new IngestionService(
            h.Store, h.Embedder, DocumentFormats.CreateDefault(), new Core.Chunking.RecursiveChunker(new TiktokenTokenCounter(), h.Chunking),
            new IngestionOptions(), NullLogger<IngestionService>.Instance, metrics: metrics);
        using var worker = new IngestionWorker(
            h.Jobs, h.Store, service, JobHarness.FastOptions(), NullLogger<IngestionWorker>.Instance, h.Clock, metrics);
        h.Store.FailUpserts("good.txt", times: 1);
        var job = await h.EnqueueUploadsAsync(
        [
            JobHarness.TextItem("good.txt", "Glaciers carve deep valleys over thousands of years."),
            JobHarness.BytesItem("junk.bin", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFE, 0x00]),
        ]);

        // good.txt fails once (retried later), junk.bin is rejected; then good.txt succeeds.
        Assert.True(await worker.ProcessNextAsync(job.Id, Ct));
        Assert.True(await worker.ProcessNextAsync(job.Id, Ct));
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await worker.ProcessNextAsync(job.Id, Ct));
        Assert.False(await worker.ProcessNextAsync(job.Id, Ct));
        var delete = await h.Orchestration.EnqueueAsync(
            new NewIngestJob { TenantId = JobHarness.Tenant, Kind = "upload", Source = "api" },
            [new NewJobItem { DocumentId = "good.txt", Action = JobItemAction.Delete }, new NewJobItem { DocumentId = "never.txt", Action = JobItemAction.Delete }],
            Ct);
        await worker.DrainAsync(JobHarness.Tenant, delete.Id, null, Ct);

        Assert.Equal(
            ["added", "deleted", "rejected", "unchanged"],
            recorder.Of(RagMetrics.IngestedDocumentsName).Select(m => m.Tag("outcome")).Order(StringComparer.Ordinal));
        Assert.Equal(2, recorder.Of(RagMetrics.IngestFailuresName).Sum(m => m.Value));
        Assert.Equal(2, h.Store.UpsertsOf("good.txt"));
    }
}
