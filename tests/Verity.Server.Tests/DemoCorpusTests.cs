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
    private const string Restricted = "restricted/";

    /// <summary>Every group the demo's ACL sidecars name: a caller who may read everything.</summary>
    private static readonly string[] AllGroups =
        ["executives", "remuneration-committee", "engineering-leadership", "sre", "security", "project-heron", "people-managers", "people-partners"];

    private readonly VerityServerFactory _factory = TestTokens.AuthenticatedFactory();

    [Fact]
    public async Task Chat_DemoQuestions_FindTheirDocumentAndAnswerGrounded()
    {
        using var client = _factory.CreateClient().WithToken(TestTokens.Create(user: "carol", groups: AllGroups));
        var ingestion = _factory.Services.GetRequiredService<Verity.Core.Jobs.IngestionJobs>();
        var stopwatch = Stopwatch.StartNew();
        var first = await ingestion.SyncAsync(new Verity.Core.Connectors.FolderConnector(RepositoryPaths.DemoCorpus), Tenants.Default, null, CancellationToken.None);
        var firstMs = stopwatch.Elapsed.TotalMilliseconds;
        stopwatch.Restart();
        var second = await ingestion.SyncAsync(new Verity.Core.Connectors.FolderConnector(RepositoryPaths.DemoCorpus), Tenants.Default, null, CancellationToken.None);
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

    [Fact]
    public async Task Chat_RestrictedQuestionsFromStaff_NeverRevealRestrictedDocuments()
    {
        await _factory.Services.GetRequiredService<Verity.Core.Jobs.IngestionJobs>().SyncAsync(
            new Verity.Core.Connectors.FolderConnector(RepositoryPaths.DemoCorpus), Tenants.Default, null, CancellationToken.None);
        using var staff = _factory.CreateClient().WithToken(TestTokens.Create(user: "erin", groups: ["engineering"]));
        var restricted = ReadJsonLines("questions.jsonl").Where(q => q.GetProperty("expected").GetString()!.StartsWith(Restricted, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(restricted);

        foreach (var q in restricted)
        {
            var question = q.GetProperty("question").GetString()!;
            var chat = await (await staff.PostAsJsonAsync("/v1/chat", new { question })).ReadJsonAsync();
            Assert.DoesNotContain(chat.GetProperty("sources").EnumerateArray(), s => s.GetProperty("document_id").GetString()!.StartsWith(Restricted, StringComparison.Ordinal));
            Assert.DoesNotContain(q.GetProperty("answer_contains").GetString()!, chat.GetProperty("answer").GetString()!, StringComparison.OrdinalIgnoreCase);

            var search = await (await staff.PostAsJsonAsync("/v1/search", new { query = question, top_k = 100 })).ReadJsonAsync();
            Assert.DoesNotContain(search.GetProperty("results").EnumerateArray(), r => r.GetProperty("document_id").GetString()!.StartsWith(Restricted, StringComparison.Ordinal));
        }

        var listing = await (await staff.GetAsync("/v1/documents?limit=1000")).ReadJsonAsync();
        Assert.DoesNotContain(listing.GetProperty("documents").EnumerateArray(), d => d.GetProperty("id").GetString()!.StartsWith(Restricted, StringComparison.Ordinal));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await staff.GetAsync("/v1/documents/restricted/project-heron-acquisition-plan.md")).StatusCode);
        output.WriteLine($"staff asked {restricted.Count} restricted-document questions through chat and search: no restricted source, fact or listing");
    }

    private static string Rate(int n, int total) => $"{n}/{total} ({100.0 * n / total:0}%)";

    private static List<JsonElement> ReadJsonLines(string name) =>
        File.ReadLines(Path.Combine(RepositoryPaths.Root, "demo", name))
            .Where(line => line.Trim().Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();

    public void Dispose() => _factory.Dispose();
}
