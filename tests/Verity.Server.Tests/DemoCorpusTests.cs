using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Ingestion;
using Verity.Core.Model;
using Xunit.Abstractions;

namespace Verity.Server.Tests;

/// <summary>The shipped demo corpus, end to end over HTTP: the questions in demo/questions.jsonl must find their
/// document and the answer must contain the expected fact; the questions in demo/unanswerable.jsonl must get
/// "I don't know". Prints the figures so a regression shows as a number, not just a red test.</summary>
public sealed class DemoCorpusTests(ITestOutputHelper output) : IDisposable
{
    private readonly VerityServerFactory _factory = new();

    [Fact]
    public async Task Chat_DemoQuestions_FindTheirDocumentAndAnswerGrounded()
    {
        using var client = _factory.CreateClient();
        var ingestion = _factory.Services.GetRequiredService<IngestionService>();
        var stopwatch = Stopwatch.StartNew();
        var first = await ingestion.SyncDirectoryAsync(RepositoryPaths.DemoCorpus, Tenants.Default, null, CancellationToken.None);
        var firstMs = stopwatch.Elapsed.TotalMilliseconds;
        stopwatch.Restart();
        var second = await ingestion.SyncDirectoryAsync(RepositoryPaths.DemoCorpus, Tenants.Default, null, CancellationToken.None);
        var secondMs = stopwatch.Elapsed.TotalMilliseconds;

        Assert.Empty(first.Failed);
        Assert.True(first.Added >= 40, $"the demo corpus should hold about 40 documents, found {first.Added}");
        Assert.Equal(first.Added, second.Unchanged);
        Assert.Equal(0, second.ChunksEmbedded);

        var questions = ReadJsonLines("questions.jsonl");
        int hitAt1 = 0, hitAt5 = 0, grounded = 0, containsFact = 0;
        var latencies = new List<double>();
        foreach (var q in questions)
        {
            var question = q.GetProperty("question").GetString()!;
            var expected = q.GetProperty("expected").GetString()!;
            var fact = q.GetProperty("answer_contains").GetString()!;
            var body = await (await client.PostAsJsonAsync("/v1/chat", new { question })).ReadJsonAsync();
            latencies.Add(body.GetProperty("latency_ms").GetDouble());

            var documents = body.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("document_id").GetString()).ToList();
            hitAt1 += documents.Take(1).Contains(expected) ? 1 : 0;
            hitAt5 += documents.Take(5).Contains(expected) ? 1 : 0;
            grounded += body.GetProperty("grounded").GetBoolean() ? 1 : 0;
            var answer = body.GetProperty("answer").GetString()!;
            containsFact += answer.Contains(fact, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        }

        var unanswerable = ReadJsonLines("unanswerable.jsonl");
        var refused = 0;
        foreach (var q in unanswerable)
        {
            var body = await (await client.PostAsJsonAsync("/v1/chat", new { question = q.GetProperty("question").GetString() })).ReadJsonAsync();
            refused += body.GetProperty("grounded").GetBoolean() ? 0 : 1;
        }

        latencies.Sort();
        output.WriteLine($"ingest: {first.Added} documents, {first.ChunksEmbedded} chunks in {firstMs:0} ms; unchanged re-sync {secondMs:0} ms");
        output.WriteLine($"questions: {questions.Count}; hit@1 {Rate(hitAt1, questions.Count)}; hit@5 {Rate(hitAt5, questions.Count)}; grounded {Rate(grounded, questions.Count)}; answer contains fact {Rate(containsFact, questions.Count)}");
        output.WriteLine($"unanswerable: {unanswerable.Count}; answered \"I don't know\" {Rate(refused, unanswerable.Count)}");
        output.WriteLine($"chat latency ms: p50 {latencies[latencies.Count / 2]:0.0}, max {latencies[^1]:0.0}");

        Assert.True(hitAt5 >= questions.Count * 0.9, $"hit@5 {hitAt5}/{questions.Count} is below 90%");
        Assert.True(grounded >= questions.Count * 0.8, $"grounded {grounded}/{questions.Count} is below 80%");
        Assert.True(containsFact >= questions.Count * 0.5, $"answers containing the fact {containsFact}/{questions.Count} is below 50%");
        Assert.True(refused >= unanswerable.Count * 0.8, $"only {refused}/{unanswerable.Count} unanswerable questions got \"I don't know\"");
    }

    private static string Rate(int n, int total) => $"{n}/{total} ({100.0 * n / total:0}%)";

    private static List<JsonElement> ReadJsonLines(string name) =>
        File.ReadLines(Path.Combine(RepositoryPaths.Root, "demo", name))
            .Where(line => line.Trim().Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();

    public void Dispose() => _factory.Dispose();
}
