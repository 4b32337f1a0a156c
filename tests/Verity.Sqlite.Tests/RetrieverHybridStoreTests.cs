using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Chunking;
using Verity.Core.Documents;
using Verity.Core.Embeddings;
using Verity.Core.Ingestion;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Core.Text;

namespace Verity.Sqlite.Tests;

/// <summary>A store that fuses in its own query (<see cref="IHybridSearchStore"/>, as the PostgreSQL store does) must
/// give callers exactly what the retriever's own fusion gives: same hits, scores, ranks and excerpts.</summary>
public sealed class RetrieverHybridStoreTests : IAsyncLifetime, IDisposable
{
    private const string Tenant = "tenant-a";

    private static readonly string[] Topics =
    [
        "The lighthouse keeper logs the weather every evening and trims the lamp wick.",
        "Rotate the signing keys every ninety days with the rotation command.",
        "The growth plan includes priority support, audit logs and single sign-on.",
        "Reset a password from the account page; a link arrives by email.",
        "Sourdough needs a lively starter, flour, water and a long cold proof.",
        "The northern line timetable changes on public holidays.",
        "Audit logs are kept for seven years and cannot be edited.",
        "Keys for the lighthouse are held by the harbour master.",
    ];

    private readonly TempDirectory _temp = new();
    private readonly HashingEmbeddingGenerator _embedder = new();
    private SqliteIndexStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteIndexStore(new SqliteStoreOptions { Path = _temp.Combine("verity.db") }, NullLogger<SqliteIndexStore>.Instance);
        var chunking = new ChunkingOptions();
        await _store.InitializeAsync(new IndexConfiguration(_embedder.ModelId, _embedder.Dimensions, chunking.Version), CancellationToken.None);
        var ingestion = new IngestionService(
            _store, _embedder, DocumentFormats.CreateDefault(), new RecursiveChunker(new TiktokenTokenCounter(), chunking),
            new IngestionOptions(), NullLogger<IngestionService>.Instance);
        for (var i = 0; i < Topics.Length; i++)
        {
            await ingestion.IngestAsync(
                new DocumentInput { TenantId = Tenant, Id = $"doc-{i}", Title = $"Note {i}", Text = Topics[i], Source = "test" },
                CancellationToken.None);
        }
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("lighthouse keys", 1.0, 1.0)]
    [InlineData("audit logs retention", 0.2, 1.0)]
    [InlineData("how do I reset my password", 1.0, 0.5)]
    public async Task SearchAsync_StoreFusesItself_ReturnsWhatTheRetrieversOwnFusionReturns(string query, double dense, double lexical)
    {
        var options = new RetrievalOptions { DenseWeight = dense, LexicalWeight = lexical, CandidatesPerRetriever = 5 };
        var fusing = new FusingStore(_store);
        var request = new SearchRequest { Query = query, TenantId = Tenant, TopK = 4, Principals = ["user:ann"] };

        var expected = await new Retriever(_store, _embedder, options).SearchAsync(request, CancellationToken.None);
        var actual = await new Retriever(fusing, _embedder, options).SearchAsync(request, CancellationToken.None);

        Assert.Equal(1, fusing.HybridCalls);
        Assert.NotEmpty(expected.Results);
        Assert.Equal(
            expected.Results.Select(r => (r.Chunk.Id, r.Score, r.Excerpt, r.DenseRank, r.LexicalRank)),
            actual.Results.Select(r => (r.Chunk.Id, r.Score, r.Excerpt, r.DenseRank, r.LexicalRank)));
    }

    [Fact]
    public async Task SearchAsync_DenseOrLexicalMode_DoesNotUseTheStoresFusion()
    {
        var fusing = new FusingStore(_store);
        var retriever = new Retriever(fusing, _embedder, new RetrievalOptions());

        await retriever.SearchAsync(new SearchRequest { Query = "lighthouse", TenantId = Tenant, Mode = SearchMode.Dense }, CancellationToken.None);
        await retriever.SearchAsync(new SearchRequest { Query = "lighthouse", TenantId = Tenant, Mode = SearchMode.Lexical }, CancellationToken.None);

        Assert.Equal(0, fusing.HybridCalls);
    }
}
