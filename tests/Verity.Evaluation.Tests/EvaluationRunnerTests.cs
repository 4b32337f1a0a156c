using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Embeddings;
using Verity.Core.Generation;
using Verity.Core.Ingestion;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Core.Text;
using Verity.Evaluation.Beir;
using Verity.Sqlite;

namespace Verity.Evaluation.Tests;

/// <summary>
/// The whole evaluation on a tiny synthetic BEIR dataset and a real SQLite index: 30 documents, each named by two
/// invented words no other document uses, and 6 judged queries that repeat those words. Every system worth its
/// name ranks the matching document first; none of the everyday off-topic questions shares a word with the corpus.
/// </summary>
public sealed class EvaluationRunnerTests : IAsyncLifetime, IDisposable
{
    private const int Documents = 30;

    // Invented, distinct words: "zorvath" appears only in doc00, "quellion" only in doc01, and so on.
    private static readonly string[] Names =
    [
        "zorvath", "quellion", "brastine", "mordavel", "tryxolin", "vemburst", "kaldrene", "pyrrhane", "sulvenor", "drimmock",
        "fennacle", "gorsilth", "hallowent", "ixtrapol", "jorvandel", "krissomat", "lumbrevar", "naxiphore", "ottravine", "plendrix",
        "quorbane", "rillentor", "stavimoth", "thessarok", "umbraline", "vorquisse", "wendrovax", "xyloctane", "yarrowind", "zephalmor",
    ];

    private static readonly string[] Parts =
    [
        "ampoule", "bracket", "cylinder", "diaphragm", "escapement", "flywheel", "gasket", "hopper", "impeller", "journal",
        "kiln", "lattice", "manifold", "nozzle", "oscillator", "piston", "quadrant", "rotor", "sprocket", "turbine",
        "undercarriage", "valve", "winch", "axle", "bellows", "capacitor", "dynamo", "extruder", "filament", "governor",
    ];

    private readonly EvalTempFolder _temp = new();
    private readonly HashingEmbeddingGenerator _embedder = new();
    private SqliteIndexStore _store = null!;
    private EvaluationRunner _runner = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _store = new SqliteIndexStore(new SqliteStoreOptions { Path = _temp.Combine("index", "verity.db") }, NullLogger<SqliteIndexStore>.Instance);
        await _store.InitializeAsync(new IndexConfiguration(_embedder.ModelId, _embedder.Dimensions, new ChunkingOptions().Version), Ct);
        var ingestion = new IngestionService(
            _store,
            _embedder,
            DocumentFormats.CreateDefault(),
            new RecursiveChunker(new TiktokenTokenCounter(), new ChunkingOptions()),
            new IngestionOptions(),
            NullLogger<IngestionService>.Instance);
        var retriever = new Retriever(_store, _embedder, new RetrievalOptions { MaxTopK = 1000 });
        _runner = new EvaluationRunner(_store, ingestion, retriever, new ExtractiveAnswerGenerator(new ExtractiveOptions()));
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _temp.Dispose();

    private BeirDataset WriteDataset()
    {
        var directory = _temp.Combine("tinybeir");
        var corpus = Enumerable.Range(0, Documents).Select(i => BeirFiles.Document(
            $"doc{i:00}",
            $"The {Names[i]} {Parts[i]}",
            $"The {Names[i]} {Parts[i]} regulates the coolant flow inside the northern pumping station. " +
            $"Engineers inspect the {Names[i]} {Parts[i]} every quarter and record its vibration in the station archive. " +
            $"A worn {Parts[i]} of the {Names[i]} series is replaced by the maintenance crew."));
        var queries = new[]
        {
            BeirFiles.Query("q0", $"What does the {Names[0]} {Parts[0]} regulate?"),
            BeirFiles.Query("q1", $"Who inspects the {Names[3]} {Parts[3]}?"),
            BeirFiles.Query("q-unjudged", $"Who replaces the {Names[4]} {Parts[4]}?"),
            BeirFiles.Query("q2", $"{Names[7]} {Parts[7]} vibration"),
            BeirFiles.Query("q3", $"How often is the {Names[12]} {Parts[12]} inspected?"),
            BeirFiles.Query("q4", $"Which crew replaces a worn {Names[20]} {Parts[20]}?"),
            BeirFiles.Query("q5", $"{Names[29]} {Parts[29]} coolant flow"),
        };
        string[] qrels =
        [
            BeirFiles.QrelsHeader,
            "q0\tdoc00\t2",
            "q1\tdoc03\t1",
            "q2\tdoc07\t2",
            "q3\tdoc12\t1",
            "q4\tdoc20\t2",
            "q5\tdoc29\t1",
        ];
        BeirFiles.Write(directory, corpus, queries, qrels);
        return BeirDataset.Load(directory);
    }

    [Fact]
    public async Task RunAsync_TinyDataset_MeasuresEverySystemAnswersAndReusesIndex()
    {
        var dataset = WriteDataset();
        Assert.Equal(6, dataset.TestQueries.Count);
        var messages = new List<string>();
        var options = new EvaluationOptions { OffTopicQuestions = 20, WarmupQueries = 2 };

        var report = await _runner.RunAsync(dataset, options, new SyncProgress(messages), Ct);

        // Runs: Verity's three modes, then both peers.
        Assert.Equal("tinybeir", report.Dataset);
        Assert.Equal(6, report.Queries);
        Assert.Equal(["lexical", "dense", "hybrid", "lucene-bm25", "sqlite-fts5"], report.Runs.Select(r => r.Name));
        Assert.Equal(["verity", "verity", "verity", "peer", "peer"], report.Runs.Select(r => r.Kind));
        foreach (var run in report.Runs)
        {
            Assert.InRange(run.NdcgAt10, 0, 1);
            Assert.InRange(run.RecallAt10, 0, 1);
            Assert.InRange(run.RecallAt100, run.RecallAt10, 1);
            Assert.InRange(run.MrrAt10, 0, 1);
            Assert.True(run.LatencyMs.P50 <= run.LatencyMs.P95 && run.LatencyMs.P95 <= run.LatencyMs.P99, run.Name);
            Assert.True(run.QueriesPerSecond > 0, run.Name);
        }

        // Every query repeats the two words only its document uses: the lexical systems put it first.
        foreach (var name in new[] { "lexical", "hybrid", "lucene-bm25", "sqlite-fts5" })
        {
            var run = report.Runs.Single(r => r.Name == name);
            Assert.True(run.NdcgAt10 > 0.8, $"{name}: nDCG@10 {run.NdcgAt10}");
            Assert.True(run.MrrAt10 > 0.8, $"{name}: MRR@10 {run.MrrAt10}");
            Assert.Equal(1.0, run.RecallAt100, 10);
        }

        // Index: built now, from all 30 documents.
        Assert.False(report.Index.Reused);
        Assert.Equal(Documents, report.Index.Documents);
        Assert.True(report.Index.Chunks >= Documents);
        Assert.Equal(_embedder.ModelId, report.Index.EmbeddingModel);
        Assert.Equal(new ChunkingOptions().Version, report.Index.ChunkerVersion);
        Assert.Equal(0, report.Index.Failed);
        Assert.Equal(["lucene-bm25", "sqlite-fts5", "verity"], report.BuildSeconds.Keys.Order(StringComparer.Ordinal));

        // Answers: in-domain questions are answered from the judged document; off-topic ones are declined.
        var answers = Assert.IsType<AnswerResult>(report.Answers);
        Assert.Equal(6, answers.Questions);
        Assert.Equal(20, answers.OffTopicQuestions);
        Assert.True(answers.OffTopicIdkRate >= 0.8, $"off-topic IDK rate {answers.OffTopicIdkRate}");
        Assert.True(answers.AnsweredRate >= 0.8, $"answered rate {answers.AnsweredRate}");
        Assert.InRange(answers.CitationPrecision, 0.8, 1);
        Assert.InRange(answers.SupportedSentenceShare, 0.8, 1);
        Assert.Equal(0, answers.InvalidCitations);
        Assert.Contains(messages, m => m.StartsWith("lexical: nDCG@10", StringComparison.Ordinal));

        // A second run over the same index re-ingests nothing.
        var again = await _runner.RunAsync(
            dataset,
            new EvaluationOptions { Modes = [SearchMode.Lexical], Peers = false, Answers = false, MaxQueries = 3, WarmupQueries = 0 },
            null,
            Ct);

        Assert.True(again.Index.Reused);
        Assert.Equal(0, again.Index.IngestSeconds);
        Assert.Equal(Documents, again.Index.Documents);
        Assert.Equal(report.Index.Chunks, again.Index.Chunks);
        Assert.Equal(3, again.Queries);
        Assert.Equal("lexical", Assert.Single(again.Runs).Name);
        Assert.Null(again.Answers);
        Assert.Equal(["verity"], again.BuildSeconds.Keys);
    }

    [Fact]
    public async Task IndexAsync_OneDocumentChanged_IsNotReused()
    {
        var dataset = WriteDataset();
        var first = await _runner.IndexAsync(dataset, null, Ct);
        var unchanged = await _runner.IndexAsync(dataset, null, Ct);

        var lines = File.ReadAllLines(dataset.CorpusPath);
        lines[5] = BeirFiles.Document("doc05", "Changed", "The revised document now describes a different apparatus entirely.");
        File.WriteAllLines(dataset.CorpusPath, lines);
        var changed = await _runner.IndexAsync(BeirDataset.Load(dataset.Directory), null, Ct);

        Assert.False(first.Reused);
        Assert.True(unchanged.Reused);
        Assert.False(changed.Reused);
        Assert.Equal(Documents, changed.Documents);
        Assert.Equal("doc05", (await LexicalTopAsync("revised apparatus")).Chunk.DocumentId);
    }

    private async Task<SearchResult> LexicalTopAsync(string query)
    {
        var retriever = new Retriever(_store, _embedder, new RetrievalOptions());
        var response = await retriever.SearchAsync(
            new SearchRequest { Query = query, TenantId = EvaluationRunner.Tenant, Mode = SearchMode.Lexical, TopK = 1 }, Ct);
        return Assert.Single(response.Results);
    }

    /// <summary>Collects progress messages on the reporting thread (unlike <see cref="Progress{T}"/>).</summary>
    private sealed class SyncProgress(List<string> messages) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (messages)
            {
                messages.Add(value);
            }
        }
    }
}
