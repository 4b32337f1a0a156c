using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core.Jobs;
using Verity.Server.Tests.ScaleOut;
using Verity.Sqlite;
using Verity.Storage.Conformance.Servers;

namespace Verity.Server.Tests.Operations;

/// <summary><c>verity worker --urls</c>: a worker serves its probes and its metrics (and nothing of the API), so an
/// orchestrator can check it and Prometheus can see the queue drain.</summary>
public sealed class WorkerTelemetryTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "verity-worker-telemetry", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Worker_WithUrls_ServesProbesAndMetricsOfTheJobsItRuns()
    {
        var url = $"http://127.0.0.1:{ExternalProcess.FreePort()}";
        await using var worker = VerityInstance.Start("worker-telemetry", null, "worker", "--data", _data, "--urls", url);
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        await WaitAsync(worker, async () => (await client.GetAsync("/readyz")).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/documents")).StatusCode);

        using (var jobs = new SqliteIngestJobStore(
            new SqliteStoreOptions { Path = Path.Combine(_data, "verity.db") }, NullLogger<SqliteIngestJobStore>.Instance))
        {
            await jobs.CreateJobAsync(
                new NewIngestJob { TenantId = "default", Kind = "upload", Source = "api" },
                [new NewJobItem
                {
                    DocumentId = "pantry.md",
                    Content = "# Pantry\n\nThe pantry shelf holds marmalade."u8.ToArray(),
                    Descriptor = new JobItemDescriptor { FileName = "pantry.md" }.ToJson(),
                }],
                null,
                CancellationToken.None);
        }

        PrometheusText? scrape = null;
        await WaitAsync(worker, async () =>
        {
            scrape = await PrometheusText.ScrapeAsync(client);
            return scrape.Named("rag_ingested_documents_total").Any(s => s.Label("outcome") == "added" && s.Value >= 1);
        });
        Assert.Equal("worker", Assert.Single(scrape!.Named("target_info")).Label("verity_role"));
        Assert.Single(scrape.Named("rag_ingest_queue_depth"));
        Assert.Contains(worker.Output.Split('\n'), l => l.StartsWith("{\"Timestamp\":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Worker_ManagementPortAlone_ServesProbesAndMetricsOnThatPort()
    {
        // As in the Kubernetes and compose files: `verity worker` with the port in the environment and no --urls.
        var port = ExternalProcess.FreePort();
        await using var worker = VerityInstance.Start(
            "worker-management", new Dictionary<string, string> { ["Verity__Telemetry__ManagementPort"] = port.ToString() }, "worker", "--data", _data);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };

        await WaitAsync(worker, async () => (await client.GetAsync("/readyz")).IsSuccessStatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal("worker", Assert.Single((await PrometheusText.ScrapeAsync(client)).Named("target_info")).Label("verity_role"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/documents")).StatusCode);
        Assert.Contains($":{port}", worker.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task WaitAsync(VerityInstance worker, Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(worker.Process.HasExited, "the worker exited:\n" + worker.Output);
            try
            {
                if (await done())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "the worker did not get there within 60 s:\n" + worker.Output);
            await Task.Delay(50);
        }
    }
}
