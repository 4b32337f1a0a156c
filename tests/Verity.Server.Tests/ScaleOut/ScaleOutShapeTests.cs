using System.Net;
using System.Text.Json;
using Verity.Server.Tests.Ingest;
using Verity.Storage.Conformance.Servers;

namespace Verity.Server.Tests.ScaleOut;

/// <summary>
/// The scale-out shape as real processes: two API replicas (<c>verity serve --role api</c>) and two workers
/// (<c>verity worker</c>) on one PostgreSQL, beside the embedded shape (one <c>verity serve</c> on SQLite) fed the
/// same files. Jobs queued through one replica are visible on the other and run by the workers; both shapes find the
/// same passages; a worker killed mid-batch leaves its items to the other.
/// </summary>
[Collection(ScaleOutTests.Name)]
public sealed class ScaleOutShapeTests(PostgresServer server, Xunit.Abstractions.ITestOutputHelper log) : IAsyncLifetime
{
    private const int SecondBatch = 300;

    private static readonly string[] Questions =
    [
        "How many days of annual leave do employees get?",
        "What is the process for rotating TLS certificates?",
        "How do I roll back a bad deploy?",
        "What should I do when Kafka consumer lag grows?",
        "Which plans include single sign-on?",
        "How do webhooks sign their payloads?",
    ];

    // A short lease: the killed worker's items come back to the queue within seconds instead of minutes.
    private static readonly Dictionary<string, string> WorkerSettings = new()
    {
        ["Verity__Worker__Lease"] = "00:00:05",
        ["Verity__Worker__PollInterval"] = "00:00:00.200",
    };

    private readonly List<VerityInstance> _processes = [];
    private readonly string _embeddedData = Path.Combine(Path.GetTempPath(), "verity-scaleout", "embedded-" + Guid.NewGuid().ToString("N")[..8]);

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ApiReplicasAndWorkers_OnOnePostgres_AnswerAsTheEmbeddedShapeAndFinishAKilledWorkersItems()
    {
        var store = await server.CreateDatabaseAsync();
        var servers = new[]
        {
            Track(VerityInstance.StartServer("api-1", store, "api")),
            Track(VerityInstance.StartServer("api-2", store, "api")),
            Track(VerityInstance.StartServer("embedded", "sqlite:" + Path.Combine(_embeddedData, "verity.db"), "all")),
        };
        await Task.WhenAll(servers.Select(s => s.WaitUntilReadyAsync()));

        var (api1, api2, embedded) = (servers[0].Client!, servers[1].Client!, servers[2].Client!);

        // The demo corpus through one replica: API replicas only queue, so nothing runs until workers start.
        var corpus = DemoCorpus();
        using var accepted = await api1.UploadAsync(corpus);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var jobId = (await accepted.ReadJsonAsync()).GetProperty("job").Text("id");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var waiting = (await api2.GetJobAsync(jobId)).GetProperty("job");
        Assert.Equal(("queued", 0), (waiting.Text("state"), waiting.GetProperty("counts").Int("done")));

        var workers = new[]
        {
            Track(VerityInstance.Start("worker-1", WorkerSettings, "worker", "--store", store)),
            Track(VerityInstance.Start("worker-2", WorkerSettings, "worker", "--store", store)),
        };
        var job = await api2.WaitForJobAsync(jobId, timeoutSeconds: 90);
        Assert.True(job.Text("state") == "succeeded", $"{job}\n{Logs()}");
        Assert.Equal(corpus.Count, job.GetProperty("counts").Int("added"));

        using (var embeddedUpload = await embedded.UploadAsync(corpus))
        {
            var embeddedJob = (await embeddedUpload.ReadJsonAsync()).GetProperty("job").Text("id");
            Assert.Equal("succeeded", (await embedded.WaitForJobAsync(embeddedJob, timeoutSeconds: 90)).Text("state"));
        }

        foreach (var question in Questions)
        {
            var expected = await DenseAsync(servers[2], question);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await DenseAsync(servers[0], question));
            Assert.Equal(expected, await DenseAsync(servers[1], question));

            foreach (var shape in new[] { servers[0], servers[2] })
            {
                var answer = await shape.PostJsonAsync("/v1/chat", new { question, mode = "hybrid" });
                Assert.True(answer.GetProperty("grounded").GetBoolean(), $"{shape.Name}: {question}: {answer}");
                Assert.NotEmpty(answer.GetProperty("citations").EnumerateArray());
            }
        }

        // A second batch, and one worker killed (SIGKILL) while it holds items: the other finishes the job.
        using var second = await api2.UploadAsync(GeneratedBatch());
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var batchId = (await second.ReadJsonAsync()).GetProperty("job").Text("id");
        var doneAtKill = await WaitForProgressAsync(api1, batchId, SecondBatch / 10);
        workers[0].Kill();
        log.WriteLine($"killed worker-1 at {doneAtKill}/{SecondBatch} items");
        Assert.InRange(doneAtKill, 1, SecondBatch - 1);

        var finished = await api1.WaitForJobAsync(batchId, timeoutSeconds: 90);
        Assert.True(finished.Text("state") == "succeeded", $"{finished}\n{Logs()}");
        // A note the killed worker wrote but could not mark done is found unchanged when its item runs again.
        var counts = finished.GetProperty("counts");
        log.WriteLine($"second batch: {counts}");
        Assert.Equal((SecondBatch, 0), (counts.Int("done"), counts.Int("quarantined")));
        Assert.Equal(SecondBatch, counts.Int("added") + counts.Int("unchanged") + counts.Int("updated"));
        Assert.False(workers[1].Process.HasExited, workers[1].Output);
        var listed = await servers[0].GetJsonAsync("/v1/documents?limit=1000");
        Assert.Equal(
            Enumerable.Range(0, SecondBatch).Select(i => $"batch/note-{i:000}.md"),
            listed.GetProperty("documents").EnumerateArray().Select(d => d.Text("id")).Where(id => id.StartsWith("batch/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var number in new[] { 0, SecondBatch / 2, SecondBatch - 1 })
        {
            Assert.True(await api2.FindsAsync(Marker(number), $"batch/note-{number:000}.md"), $"note {number} is not searchable");
        }
    }

    private VerityInstance Track(VerityInstance instance)
    {
        _processes.Add(instance);
        return instance;
    }

    private static async Task<List<string>> DenseAsync(VerityInstance shape, string question)
    {
        var body = await shape.PostJsonAsync("/v1/search", new { query = question, mode = "dense", top_k = 8 });
        return body.GetProperty("results").EnumerateArray()
            .Select(r => $"{r.Text("id")} {r.GetProperty("score").GetDouble():0.0000} {r.Text("text")}")
            .ToList();
    }

    private static async Task<int> WaitForProgressAsync(HttpClient client, string jobId, int items)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var job = (await client.GetJobAsync(jobId)).GetProperty("job");
            var done = job.GetProperty("counts").Int("done");
            if (done >= items || job.GetProperty("finished_at").ValueKind != JsonValueKind.Null)
            {
                return done;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the batch did not start: {job}");
            await Task.Delay(20);
        }
    }

    private static List<UploadPart> DemoCorpus() =>
        Directory.EnumerateFiles(RepositoryPaths.DemoCorpus, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".acl.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new UploadPart(Path.GetRelativePath(RepositoryPaths.DemoCorpus, f).Replace('\\', '/'), File.ReadAllBytes(f)))
            .ToList();

    private static string Marker(int number) => $"zq{number:000}marker";

    /// <summary>Notes of a few paragraphs, each with a word no other note has.</summary>
    private static List<UploadPart> GeneratedBatch() =>
        Enumerable.Range(0, SecondBatch).Select(i => new UploadPart(
            $"batch/note-{i:000}.md",
            System.Text.Encoding.UTF8.GetBytes(
                $"# Field note {i}\n\nThe survey team logged {Marker(i)} at station {i}. " +
                string.Join(' ', Enumerable.Range(0, 40).Select(j => $"Reading {j} at station {i} was within tolerance and filed with the weekly report."))
                + "\n\n## Follow-up\n\nRecalibrate the instruments before the next visit.")))
        .ToList();

    private string Logs() => string.Join("\n", _processes.Select(p => $"--- {p.Name}\n{p.Output}"));

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        try
        {
            Directory.Delete(_embeddedData, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
