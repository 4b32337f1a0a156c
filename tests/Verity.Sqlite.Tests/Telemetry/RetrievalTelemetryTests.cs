using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Embeddings;
using Verity.Core.Ingestion;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Core.Telemetry;
using Verity.Core.Text;
using Verity.Testing.Telemetry;

namespace Verity.Sqlite.Tests.Telemetry;

/// <summary>Retrieval's spans and timings on the paths a chat over the default store does not take: a store that fuses
/// in its own query, and an embedding endpoint that is down.</summary>
public sealed class RetrievalTelemetryTests : IAsyncLifetime, IDisposable
{
    private const string Tenant = "tenant-a";

    private readonly TempDirectory _temp = new();
    private readonly HashingEmbeddingGenerator _embedder = new();
    private readonly TestMeterFactory _factory = new();
    private SqliteIndexStore _store = null!;
    private RagMetrics _metrics = null!;
    private MetricRecorder _recorder = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteIndexStore(new SqliteStoreOptions { Path = _temp.Combine("verity.db") }, NullLogger<SqliteIndexStore>.Instance);
        var chunking = new ChunkingOptions();
        await _store.InitializeAsync(new IndexConfiguration(_embedder.ModelId, _embedder.Dimensions, chunking.Version), CancellationToken.None);
        var ingestion = new IngestionService(
            _store, _embedder, DocumentFormats.CreateDefault(), new RecursiveChunker(new TiktokenTokenCounter(), chunking),
            new IngestionOptions(), NullLogger<IngestionService>.Instance);
        string[] notes =
        [
            "The lighthouse keeper logs the weather every evening.",
            "Rotate the signing keys every ninety days.",
            "Sourdough needs a lively starter and a long cold proof.",
            "The northern line timetable changes on public holidays.",
        ];
        for (var i = 0; i < notes.Length; i++)
        {
            await ingestion.IngestAsync(
                new DocumentInput { TenantId = Tenant, Id = $"note-{i}", Title = $"Note {i}", Text = notes[i], Source = "test" }, CancellationToken.None);
        }

        _metrics = new RagMetrics(_factory);
        _recorder = new MetricRecorder(_factory);
    }

    [Fact]
    public async Task SearchAsync_StoreFusesItself_OneHybridStoreQuerySpanAndTiming()
    {
        using var spans = new SpanRecorder();
        var retriever = new Retriever(new FusingStore(_store), _embedder, new RetrievalOptions(), _metrics);

        var response = await retriever.SearchAsync(Request("lighthouse keeper"), CancellationToken.None);

        var retrieve = spans.Single("verity.retrieve");
        SpanRecorder.AssertChildOf(retrieve, spans.Single("verity.embed"));
        SpanRecorder.AssertChildOf(retrieve, spans.Single("verity.search.hybrid"));
        Assert.Empty(spans.All("verity.search.dense"));
        Assert.Empty(spans.All("verity.fuse"));
        Assert.Equal(response.Results.Count, spans.Single("verity.search.hybrid").GetTagItem("verity.search.hits"));
        Assert.Equal(["hybrid"], _recorder.Of(RagMetrics.StoreQueryLatencyName).Select(m => m.Tag("mode")));
        Assert.Equal(response.Results[0].Score, Assert.Single(_recorder.Of(RagMetrics.RelevanceScoreName)).Value);
    }

    [Fact]
    public async Task SearchAsync_EmbedderDown_EmbedSpanFailsAndTheRetrievalCountsAsLexical()
    {
        using var spans = new SpanRecorder();
        var retriever = new Retriever(_store, new DownEmbedder(), new RetrievalOptions(), _metrics);

        var response = await retriever.SearchAsync(Request("northern line timetable"), CancellationToken.None);

        Assert.NotNull(response.Degradation);
        var embed = spans.Single("verity.embed");
        Assert.Equal(ActivityStatusCode.Error, embed.Status);
        Assert.Equal(typeof(ModelUnavailableException).FullName, embed.GetTagItem("error.type"));
        var retrieve = spans.Single("verity.retrieve");
        Assert.NotEqual(ActivityStatusCode.Error, retrieve.Status);
        Assert.Equal("hybrid", retrieve.GetTagItem("verity.retrieval.requested_mode"));
        Assert.Equal("lexical", retrieve.GetTagItem("verity.retrieval.mode"));
        Assert.Equal(true, retrieve.GetTagItem("verity.retrieval.degraded"));
        Assert.Equal("lexical", Assert.Single(_recorder.Of(RagMetrics.RetrievalLatencyName)).Tag("mode"));
        Assert.Equal(1.0 / 61, Assert.Single(_recorder.Of(RagMetrics.RelevanceScoreName)).Value, 12);
        // The hybrid attempt's lexical query ran before the embedder failed it, and the fallback ran one more.
        Assert.Equal(["lexical", "lexical"], _recorder.Of(RagMetrics.StoreQueryLatencyName).Select(m => m.Tag("mode")));
    }

    [Fact]
    public async Task SearchAsync_InvalidTopK_RetrieveSpanFailsWithTheRequestError()
    {
        using var spans = new SpanRecorder();
        var retriever = new Retriever(_store, _embedder, new RetrievalOptions(), _metrics);

        await Assert.ThrowsAsync<InvalidRequestException>(() => retriever.SearchAsync(Request("lighthouse") with { TopK = 0 }, CancellationToken.None));

        Assert.Equal(nameof(InvalidRequestException), spans.Single("verity.retrieve").StatusDescription);
        Assert.Empty(_recorder.Of(RagMetrics.RetrievalLatencyName));
    }

    public Task DisposeAsync()
    {
        _recorder.Dispose();
        _metrics.Dispose();
        _store.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _factory.Dispose();
        _temp.Dispose();
    }

    private static SearchRequest Request(string query) => new() { Query = query, TenantId = Tenant, TopK = 3 };

    private sealed class DownEmbedder : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new ModelUnavailableException("embeddings", "embeddings is unavailable: connection refused.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
