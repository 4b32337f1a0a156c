using Verity.Core;
using Verity.Core.Embeddings;
using Verity.Core.Model;
using Verity.Core.Text;

namespace Verity.Storage.Conformance;

/// <summary>
/// What every <see cref="IIndexStore"/> must do, whatever it is built on. A store's test class derives from this
/// suite and supplies <see cref="CreateStore"/>; every test gets its own empty storage.
/// </summary>
public abstract partial class IndexStoreConformanceTests : IAsyncLifetime
{
    protected const string TenantA = "tenant-a";
    protected const string TenantB = "tenant-b";
    protected const string ChunkerVersion = "recursive-v1/400/60";

    private static readonly string[] FillerTopics =
    [
        "gardening tomatoes in raised beds",
        "railway timetables for the northern line",
        "baking sourdough bread at home",
        "weather patterns over the atlantic",
        "chess openings for beginners",
        "maintaining a bicycle chain",
        "painting watercolour landscapes",
        "the history of paper money",
    ];

    private static readonly string[] OldWalrusTexts =
    [
        "Walrus tusks grow throughout the animal's life.",
        "A walrus hauls out on sea ice to rest.",
        "Walrus calves stay with their mothers for two years.",
    ];

    private static readonly string[] NewNarwhalTexts =
    [
        "The narwhal tusk is an elongated tooth.",
        "Narwhal pods migrate along the pack ice edge.",
        "Narwhal dives can exceed fifteen hundred metres.",
        "Narwhal calves are born grey.",
    ];

    private readonly List<IIndexStore> _stores = [];

    protected static CancellationToken Ct => CancellationToken.None;

    protected HashingEmbeddingGenerator Embedder { get; } = new();

    protected IndexConfiguration Configuration => new(Embedder.ModelId, Embedder.Dimensions, ChunkerVersion);

    /// <summary>The store under test, initialised with <see cref="Configuration"/>.</summary>
    protected IIndexStore Store { get; private set; } = null!;

    protected IndexGeneration Generation { get; private set; } = null!;

    /// <summary>A new, not yet initialised store instance over this test's storage (the same storage on every call,
    /// so a second call "reopens" what the first wrote).</summary>
    protected abstract IIndexStore CreateStore();

    public async Task InitializeAsync()
    {
        Store = OpenStore();
        Generation = await Store.InitializeAsync(Configuration, Ct);
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _stores.Clear();
    }

    /// <summary>Creates another store instance over this test's storage, disposed with the test.</summary>
    protected IIndexStore OpenStore()
    {
        var store = CreateStore();
        _stores.Add(store);
        return store;
    }

    // ---------------------------------------------------------------- documents

    [Fact]
    public async Task UpsertDocumentAsync_NewDocument_RoundTripsAllFieldsAtVersionOne()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-2);
        var metadata = new Dictionary<string, string>
        {
            ["team"] = "platform",
            ["doc-type.v2"] = "guide",
            ["owner"] = "Zoë Ångström 😀",
        };
        string[] texts = ["Glaciers carve valleys slowly.", "Fjords are drowned glacial valleys."];
        var text = string.Join("\n\n", texts);
        var document = new DocumentRecord
        {
            TenantId = TenantA,
            Id = "guides/ice sheets.md",
            Title = "Ice — a field guide",
            Uri = "file:///srv/wiki/guides/ice%20sheets.md",
            Source = "fs:/srv/wiki",
            MediaType = "text/markdown",
            ContentHash = "sha256:0123456789abcdef",
            Metadata = metadata,
            ChunkerVersion = ChunkerVersion,
            EmbeddingModel = Embedder.ModelId,
            Version = 7,
            ChunkCount = texts.Length,
            TextLength = text.Length,
        };

        var stored = await Store.UpsertDocumentAsync(document, text, MakeChunks(texts), Ct);
        var fetched = await Store.GetDocumentAsync(TenantA, document.Id, Ct);
        var after = DateTimeOffset.UtcNow.AddSeconds(2);

        Assert.NotNull(fetched);
        foreach (var record in new[] { stored, fetched })
        {
            Assert.Equal(TenantA, record.TenantId);
            Assert.Equal(document.Id, record.Id);
            Assert.Equal(document.Title, record.Title);
            Assert.Equal(document.Uri, record.Uri);
            Assert.Equal(document.Source, record.Source);
            Assert.Equal(document.MediaType, record.MediaType);
            Assert.Equal(document.ContentHash, record.ContentHash);
            Assert.Equal(metadata.OrderBy(p => p.Key, StringComparer.Ordinal), record.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
            Assert.Equal(ChunkerVersion, record.ChunkerVersion);
            Assert.Equal(Embedder.ModelId, record.EmbeddingModel);
            Assert.Equal(1, record.Version);
            Assert.Equal(2, record.ChunkCount);
            Assert.Equal(text.Length, record.TextLength);
            Assert.InRange(record.CreatedAt, before, after);
            Assert.InRange(record.UpdatedAt, before, after);
        }

        Assert.Equal(text, await Store.GetDocumentTextAsync(TenantA, document.Id, Ct));

        var hits = await LexicalAsync("fjords drowned", SearchFilter.ForTenant(TenantA));
        var hit = Assert.Single(hits).Chunk;
        Assert.Equal(IndexedChunk.MakeId(document.Id, 1), hit.Id);
        Assert.Equal(document.Id, hit.DocumentId);
        Assert.Equal(document.Title, hit.DocumentTitle);
        Assert.Equal(document.Uri, hit.DocumentUri);
        Assert.Equal(1, hit.Ordinal);
        Assert.Equal(texts[1], hit.Text);
        Assert.Equal("Part 1", hit.HeadingPath);
    }

    [Fact]
    public async Task UpsertDocumentAsync_NoUriAndNoMetadata_RoundTripsAsNullAndEmpty()
    {
        var document = NewDocument(TenantA, "plain") with { Uri = null, Metadata = DocumentRecord.EmptyMetadata };

        await Store.UpsertDocumentAsync(document, "Just text.", MakeChunks("Just text."), Ct);
        var fetched = await Store.GetDocumentAsync(TenantA, "plain", Ct);

        Assert.NotNull(fetched);
        Assert.Null(fetched.Uri);
        Assert.Empty(fetched.Metadata);
        Assert.Null((await DenseAsync("Just text.", SearchFilter.ForTenant(TenantA)))[0].Chunk.DocumentUri);
    }

    [Fact]
    public async Task UpsertDocumentAsync_ExistingDocument_IncrementsVersionAndReplacesAllChunks()
    {
        await AddFillersAsync(TenantA, 4);
        string[] oldTexts =
        [
            "Zebras graze on the savanna grass at dawn.",
            "Zebra stripes confuse biting flies.",
            "A herd of zebras migrates north each year.",
        ];
        string[] newTexts =
        [
            "Penguins huddle together through the antarctic winter.",
            "Emperor penguins incubate eggs on their feet.",
        ];
        var first = await PutAsync(TenantA, "animals", oldTexts);

        var second = await PutAsync(TenantA, "animals", newTexts);

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        Assert.Equal(2, second.ChunkCount);
        Assert.Equal(first.CreatedAt, second.CreatedAt);
        Assert.True(second.UpdatedAt >= first.UpdatedAt);
        Assert.Equal(string.Join("\n\n", newTexts), await Store.GetDocumentTextAsync(TenantA, "animals", Ct));
        Assert.Equal(4 + newTexts.Length, (await Store.GetStatisticsAsync(TenantA, Ct)).Chunks);

        Assert.Empty(await LexicalAsync("zebra stripes savanna herd", SearchFilter.ForTenant(TenantA)));
        foreach (var old in oldTexts)
        {
            var dense = await DenseAsync(old, SearchFilter.ForTenant(TenantA), limit: 50);
            Assert.DoesNotContain(dense, r => oldTexts.Contains(r.Chunk.Text));
        }

        var penguins = await LexicalAsync("penguins", SearchFilter.ForTenant(TenantA));
        Assert.Equal([0, 1], penguins.Select(r => r.Chunk.Ordinal).Order());
        Assert.All(penguins, r => Assert.Equal("animals", r.Chunk.DocumentId));
        var closest = await DenseAsync(newTexts[1], SearchFilter.ForTenant(TenantA));
        Assert.Equal(newTexts[1], closest[0].Chunk.Text);

        var third = await PutAsync(TenantA, "animals", newTexts);
        Assert.Equal(3, third.Version);
    }

    [Fact]
    public async Task DeleteDocumentAsync_ExistingDocument_RemovesDocumentChunksAndSearchEntries()
    {
        await AddFillersAsync(TenantA, 3);
        string[] walrusTexts = ["Walrus tusks grow throughout life.", "A walrus can weigh over a tonne."];
        await PutAsync(TenantA, "walrus", walrusTexts);
        await PutAsync(TenantA, "seal", ["Harbour seals rest on sandbanks at low tide."]);

        Assert.True(await Store.DeleteDocumentAsync(TenantA, "walrus", Ct));

        Assert.Null(await Store.GetDocumentAsync(TenantA, "walrus", Ct));
        Assert.Null(await Store.GetDocumentTextAsync(TenantA, "walrus", Ct));
        Assert.Empty(await LexicalAsync("walrus tusks tonne", SearchFilter.ForTenant(TenantA)));
        foreach (var text in walrusTexts)
        {
            Assert.DoesNotContain(await DenseAsync(text, SearchFilter.ForTenant(TenantA), limit: 50), r => r.Chunk.DocumentId == "walrus");
        }

        var page = await Store.ListDocumentsAsync(new DocumentListQuery { TenantId = TenantA }, Ct);
        Assert.DoesNotContain(page.Documents, d => d.Id == "walrus");
        var stats = await Store.GetStatisticsAsync(TenantA, Ct);
        Assert.Equal(4, stats.Documents);
        Assert.Equal(4, stats.Chunks);
        Assert.Single(await LexicalAsync("harbour seals", SearchFilter.ForTenant(TenantA)));

        Assert.False(await Store.DeleteDocumentAsync(TenantA, "walrus", Ct));
    }

    [Fact]
    public async Task DeleteDocumentAsync_MissingDocument_ReturnsFalse()
    {
        await PutAsync(TenantA, "present", ["Something is here."]);

        Assert.False(await Store.DeleteDocumentAsync(TenantA, "absent", Ct));
        Assert.Equal(1, (await Store.GetStatisticsAsync(TenantA, Ct)).Documents);
    }

    [Fact]
    public async Task GetDocumentAsync_MissingDocument_ReturnsNull()
    {
        Assert.Null(await Store.GetDocumentAsync(TenantA, "nope", Ct));
        Assert.Null(await Store.GetDocumentTextAsync(TenantA, "nope", Ct));
    }

    // ---------------------------------------------------------------- search

    [Fact]
    public async Task SearchLexicalAsync_QueryTerms_RanksBestChunkFirstWithDescendingBm25Scores()
    {
        // Filler documents keep both query terms in well under half the rows, so BM25's IDF is not clamped.
        await AddFillersAsync(TenantA, 8);
        await PutAsync(TenantA, "target", [
            "Quokka habitat: the quokka lives in dense scrub and swampy habitat on Rottnest Island.",
            "Visitors must not feed wildlife on the ferry.",
        ]);
        await PutAsync(TenantA, "diary", ["Our travel diary mentions one quokka selfie from the trip."]);
        await PutAsync(TenantA, "wetland", ["Wetland habitat restoration needs volunteers every spring."]);

        var results = await LexicalAsync("quokka habitat", SearchFilter.ForTenant(TenantA));

        Assert.Equal(3, results.Count);
        Assert.Equal(IndexedChunk.MakeId("target", 0), results[0].Chunk.Id);
        Assert.Equal(["diary", "wetland"], results.Skip(1).Select(r => r.Chunk.DocumentId).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.True(r.Score > 0, $"BM25 score {r.Score} should be positive"));
        AssertDescending(results);
        Assert.True(results[0].Score > results[1].Score);
    }

    [Fact]
    public async Task SearchLexicalAsync_Limit_ReturnsAtMostLimitResults()
    {
        await AddFillersAsync(TenantA, 10);
        for (var i = 0; i < 6; i++)
        {
            await PutAsync(TenantA, $"lantern-{i}", [$"Lantern maintenance step {i}: trim the lantern wick."]);
        }

        var results = await LexicalAsync("lantern wick", SearchFilter.ForTenant(TenantA), limit: 4);

        Assert.Equal(4, results.Count);
        AssertDescending(results);
    }

    [Fact]
    public async Task SearchDenseAsync_QueryText_FindsClosestChunkWithDescendingCosineScores()
    {
        await PutAsync(TenantA, "keys", ["Rotate the API signing keys every ninety days with the key rotation command."]);
        await PutAsync(TenantA, "lunch", ["The cafeteria serves lunch between noon and two on weekdays."]);
        await PutAsync(TenantA, "backups", ["Nightly backups are copied to cold storage in a second region."]);
        await PutAsync(TenantA, "vpn", ["Connect to the office VPN before opening the internal dashboard."]);

        var results = await DenseAsync("How often should the API signing keys be rotated?", SearchFilter.ForTenant(TenantA));

        Assert.Equal(4, results.Count);
        Assert.Equal("keys", results[0].Chunk.DocumentId);
        Assert.All(results, r => Assert.InRange(r.Score, -1.0001, 1.0001));
        AssertDescending(results);
        Assert.True(results[0].Score > results[1].Score);

        var exact = await DenseAsync("Nightly backups are copied to cold storage in a second region.", SearchFilter.ForTenant(TenantA), limit: 1);
        Assert.Equal("backups", Assert.Single(exact).Chunk.DocumentId);
        Assert.Equal(1.0, exact[0].Score, 3);
    }

    [Fact]
    public async Task Search_OtherTenantsDocuments_NeverReturned()
    {
        const string secret = "Tenant B secret: the vault combination is kept in the blue binder.";
        await AddFillersAsync(TenantA, 3);
        await PutAsync(TenantA, "shared-id", ["Tenant A keeps its notes about binders in the archive."]);
        await PutAsync(TenantB, "shared-id", [secret]);
        await PutAsync(TenantB, "b-only", ["Vault combination rotation happens monthly for tenant B."]);

        var dense = await DenseAsync(secret, SearchFilter.ForTenant(TenantA), limit: 100);
        var lexical = await LexicalAsync("vault combination blue binder secret", SearchFilter.ForTenant(TenantA), limit: 100);

        Assert.Equal(4, dense.Count);
        Assert.DoesNotContain(dense, r => r.Chunk.Text.Contains("Tenant B", StringComparison.Ordinal) || r.Chunk.Text.Contains("tenant B", StringComparison.Ordinal));
        Assert.DoesNotContain(dense, r => r.Chunk.DocumentId == "b-only");
        var onlyA = Assert.Single(lexical);
        Assert.Equal("Tenant A keeps its notes about binders in the archive.", onlyA.Chunk.Text);

        var fromB = await LexicalAsync("vault combination", SearchFilter.ForTenant(TenantB));
        Assert.Equal(2, fromB.Count);
        Assert.Equal(secret, (await DenseAsync(secret, SearchFilter.ForTenant(TenantB), limit: 1))[0].Chunk.Text);
    }

    [Fact]
    public async Task Search_UnknownTenant_ReturnsNothing()
    {
        await PutAsync(TenantA, "doc", ["Anything at all about lighthouses."]);

        Assert.Empty(await DenseAsync("lighthouses", SearchFilter.ForTenant("nobody")));
        Assert.Empty(await LexicalAsync("lighthouses", SearchFilter.ForTenant("nobody")));
    }

    [Fact]
    public async Task DocumentReads_OtherTenantsDocument_AreNotVisible()
    {
        await PutAsync(TenantA, "shared-id", ["Tenant A text about orchards."]);
        await PutAsync(TenantB, "shared-id", ["Tenant B text about orchards."]);
        await PutAsync(TenantB, "b-only", ["Only tenant B has this about vineyards."]);

        Assert.Null(await Store.GetDocumentAsync(TenantA, "b-only", Ct));
        Assert.Null(await Store.GetDocumentTextAsync(TenantA, "b-only", Ct));
        Assert.Equal("Tenant A text about orchards.", await Store.GetDocumentTextAsync(TenantA, "shared-id", Ct));
        var listA = await Store.ListDocumentsAsync(new DocumentListQuery { TenantId = TenantA }, Ct);
        Assert.Equal(["shared-id"], listA.Documents.Select(d => d.Id));
        Assert.All(listA.Documents, d => Assert.Equal(TenantA, d.TenantId));

        Assert.False(await Store.DeleteDocumentAsync(TenantA, "b-only", Ct));
        Assert.NotNull(await Store.GetDocumentAsync(TenantB, "b-only", Ct));

        Assert.True(await Store.DeleteDocumentAsync(TenantA, "shared-id", Ct));
        var survivor = await Store.GetDocumentAsync(TenantB, "shared-id", Ct);
        Assert.NotNull(survivor);
        Assert.Equal(1, survivor.Version);
        Assert.Equal("Tenant B text about orchards.", Assert.Single(await LexicalAsync("orchards", SearchFilter.ForTenant(TenantB))).Chunk.Text);
        Assert.Equal(2, (await Store.GetStatisticsAsync(TenantB, Ct)).Chunks);
        Assert.Equal(0, (await Store.GetStatisticsAsync(TenantA, Ct)).Documents);
    }

    [Fact]
    public async Task UpsertDocumentAsync_SameIdInAnotherTenant_DoesNotTouchTheOther()
    {
        var a = await PutAsync(TenantA, "same", ["Alpha tenant copy about kites."]);
        await PutAsync(TenantB, "same", ["Beta tenant copy about kites."]);
        var b2 = await PutAsync(TenantB, "same", ["Beta tenant second copy about gliders."]);

        Assert.Equal(1, a.Version);
        Assert.Equal(2, b2.Version);
        Assert.Equal(1, (await Store.GetDocumentAsync(TenantA, "same", Ct))!.Version);
        Assert.Equal("Alpha tenant copy about kites.", Assert.Single(await LexicalAsync("kites", SearchFilter.ForTenant(TenantA))).Chunk.Text);
        Assert.Empty(await LexicalAsync("kites", SearchFilter.ForTenant(TenantB)));
    }

    [Fact]
    public async Task Search_MetadataFilterMatchingOneDocument_ReturnsOnlyItsChunksInBothModes()
    {
        await PutAsync(TenantA, "x", [
            "Blue EU runbook: restart the ingest worker.",
            "Blue EU runbook: clear the ingest cache first.",
        ], Meta(("team", "blue"), ("region", "eu")));
        await PutAsync(TenantA, "y", ["Blue US runbook: restart the ingest worker."], Meta(("team", "blue"), ("region", "us")));
        await PutAsync(TenantA, "z", ["Red EU runbook: restart the ingest worker."], Meta(("team", "red"), ("region", "eu")));
        await PutAsync(TenantA, "none", ["Unlabelled runbook: restart the ingest worker."]);
        var filter = new SearchFilter { TenantId = TenantA, Metadata = Meta(("team", "blue"), ("region", "eu")) };

        var dense = await DenseAsync("restart the ingest worker", filter);
        var lexical = await LexicalAsync("restart ingest worker", filter);

        Assert.Equal(2, dense.Count);
        Assert.All(dense, r => Assert.Equal("x", r.Chunk.DocumentId));
        Assert.Equal(2, lexical.Count);
        Assert.All(lexical, r => Assert.Equal("x", r.Chunk.DocumentId));

        var blue = new SearchFilter { TenantId = TenantA, Metadata = Meta(("team", "blue")) };
        Assert.Equal(["x", "y"], (await DenseAsync("restart the ingest worker", blue)).Select(r => r.Chunk.DocumentId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(["x", "y"], (await LexicalAsync("restart ingest worker", blue)).Select(r => r.Chunk.DocumentId).Distinct().Order(StringComparer.Ordinal));

        var nobody = new SearchFilter { TenantId = TenantA, Metadata = Meta(("team", "green")) };
        Assert.Empty(await DenseAsync("restart the ingest worker", nobody));
        Assert.Empty(await LexicalAsync("restart ingest worker", nobody));
    }

    [Fact]
    public async Task Search_MetadataFilterWithManyBetterNonMatchingDocuments_FillsTopKFromMatchingDocuments()
    {
        await AddFillersAsync(TenantA, 12);
        for (var i = 0; i < 10; i++)
        {
            await PutAsync(TenantA, $"red-{i}", [$"Quarterly revenue forecast spreadsheet for the sales team, revision {i}."], Meta(("team", "red")));
        }

        for (var i = 0; i < 3; i++)
        {
            await PutAsync(TenantA, $"blue-{i}", [$"Blue team notes {i}: the revenue figures arrive late."], Meta(("team", "blue")));
        }

        const string query = "quarterly revenue forecast spreadsheet";
        var blue = new SearchFilter { TenantId = TenantA, Metadata = Meta(("team", "blue")) };

        // Unfiltered, the best three are all red: a filter applied after top-k would leave nothing.
        Assert.All(await DenseAsync(query, SearchFilter.ForTenant(TenantA), limit: 3), r => Assert.StartsWith("red-", r.Chunk.DocumentId, StringComparison.Ordinal));
        Assert.All(await LexicalAsync(query, SearchFilter.ForTenant(TenantA), limit: 3), r => Assert.StartsWith("red-", r.Chunk.DocumentId, StringComparison.Ordinal));

        var dense = await DenseAsync(query, blue, limit: 3);
        var lexical = await LexicalAsync(query, blue, limit: 3);

        Assert.Equal(["blue-0", "blue-1", "blue-2"], dense.Select(r => r.Chunk.DocumentId).Order(StringComparer.Ordinal));
        Assert.Equal(["blue-0", "blue-1", "blue-2"], lexical.Select(r => r.Chunk.DocumentId).Order(StringComparer.Ordinal));
        AssertDescending(dense);
        AssertDescending(lexical);
    }

    [Fact]
    public async Task Search_MetadataKeyWithDotsAndDashes_FiltersOnThatKey()
    {
        await PutAsync(TenantA, "guide", ["Setup steps for the printer."], Meta(("doc-type.v2", "guide"), ("doc", "x")));
        await PutAsync(TenantA, "faq", ["Printer setup questions."], Meta(("doc-type.v2", "faq"), ("doc-type", "guide")));
        var filter = new SearchFilter { TenantId = TenantA, Metadata = Meta(("doc-type.v2", "guide")) };

        Assert.Equal("guide", Assert.Single(await DenseAsync("printer setup", filter)).Chunk.DocumentId);
        Assert.Equal("guide", Assert.Single(await LexicalAsync("printer setup", filter)).Chunk.DocumentId);
    }

    [Fact]
    public async Task Search_DocumentIdsFilter_SearchesOnlyThoseDocuments()
    {
        for (var i = 0; i < 5; i++)
        {
            await PutAsync(TenantA, $"doc-{i}", [$"Harbour crane inspection report number {i}."]);
        }

        var filter = new SearchFilter { TenantId = TenantA, DocumentIds = ["doc-1", "doc-3", "missing"] };

        Assert.Equal(["doc-1", "doc-3"], (await DenseAsync("harbour crane inspection", filter)).Select(r => r.Chunk.DocumentId).Order(StringComparer.Ordinal));
        Assert.Equal(["doc-1", "doc-3"], (await LexicalAsync("harbour crane inspection", filter)).Select(r => r.Chunk.DocumentId).Order(StringComparer.Ordinal));

        var empty = new SearchFilter { TenantId = TenantA, DocumentIds = [] };
        Assert.Empty(await DenseAsync("harbour crane inspection", empty));
        Assert.Empty(await LexicalAsync("harbour crane inspection", empty));

        var otherTenant = new SearchFilter { TenantId = TenantB, DocumentIds = ["doc-1"] };
        Assert.Empty(await DenseAsync("harbour crane inspection", otherTenant));
        Assert.Empty(await LexicalAsync("harbour crane inspection", otherTenant));
    }

    public static TheoryData<string> InvalidMetadataKeys => new()
    {
        "bad key",
        "x') OR 1=1 --",
        "a\"b",
        "$.team",
        "",
        new string('k', 65),
    };

    [Theory]
    [MemberData(nameof(InvalidMetadataKeys))]
    public async Task Search_InvalidMetadataFilterKey_ThrowsInvalidRequestException(string key)
    {
        await PutAsync(TenantA, "doc", ["Some searchable words about turbines."], Meta(("team", "blue")));
        var filter = new SearchFilter { TenantId = TenantA, Metadata = Meta((key, "blue")) };

        await Assert.ThrowsAsync<InvalidRequestException>(() => DenseAsync("turbines", filter));
        await Assert.ThrowsAsync<InvalidRequestException>(() => LexicalAsync("turbines", filter));
    }

    [Fact]
    public async Task SearchLexicalAsync_HostileQuerySyntax_DoesNotThrowAndLeavesTablesIntact()
    {
        await AddFillersAsync(TenantA, 4);
        await PutAsync(TenantA, "quokka", ["The quokka habitat is dense scrub on Rottnest Island."]);
        string[] hostile =
        [
            "\"unbalanced quote",
            "\"",
            "NEAR(",
            "NEAR(quokka habitat",
            "quokka NEAR/2 habitat",
            "quokka*",
            "*",
            "-quokka",
            "- -",
            "title:quokka",
            "body:",
            ":",
            "(quokka OR",
            ")",
            "((()))",
            "AND OR NOT",
            "quokka AND NOT",
            "^quokka",
            "{title body}: quokka",
            "'; DROP TABLE documents; --",
            "\"; DROP TABLE chunks_fts; --",
            "quokka'); DELETE FROM chunks; --",
            "''",
            "\\",
            "%_",
            "\0",
            "",
            "   ",
            "💥🔥",
            "ﬁ ß İ ǅ",
            new string('x', 10_000),
            string.Join(' ', Enumerable.Range(0, 500).Select(i => $"w{i}")),
        ];

        foreach (var query in hostile)
        {
            var results = await Store.SearchLexicalAsync(query, SearchFilter.ForTenant(TenantA), 10, Ct);
            Assert.InRange(results.Count, 0, 10);
        }

        // The terms inside hostile syntax still search as words.
        Assert.Equal("quokka", (await LexicalAsync("title:quokka NEAR(habitat*", SearchFilter.ForTenant(TenantA)))[0].Chunk.DocumentId);
        Assert.Equal("quokka", (await LexicalAsync("'; DROP TABLE documents; -- quokka", SearchFilter.ForTenant(TenantA)))[0].Chunk.DocumentId);

        var stats = await Store.GetStatisticsAsync(TenantA, Ct);
        Assert.Equal(5, stats.Documents);
        Assert.Equal(5, stats.Chunks);
        Assert.NotNull(await Store.GetDocumentAsync(TenantA, "quokka", Ct));
        Assert.Equal("quokka", Assert.Single(await LexicalAsync("quokka", SearchFilter.ForTenant(TenantA))).Chunk.DocumentId);
        Assert.Equal("quokka", (await DenseAsync("quokka habitat", SearchFilter.ForTenant(TenantA)))[0].Chunk.DocumentId);
        await Store.CheckHealthAsync(Ct);
    }

    [Fact]
    public async Task SearchLexicalAsync_QueryWithoutWords_ReturnsNothing()
    {
        await PutAsync(TenantA, "doc", ["Some words."]);

        Assert.Empty(await LexicalAsync("?!. -- ()", SearchFilter.ForTenant(TenantA)));
    }

    // ---------------------------------------------------------------- listing, fingerprints, statistics

    [Fact]
    public async Task ListDocumentsAsync_PagingWithNextCursor_VisitsEveryDocumentExactlyOnce()
    {
        var expected = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            var id = $"doc/{(i * 7) % 23:00}-{(char)('a' + (i % 26))}";
            expected.Add(id);
            await PutAsync(TenantA, id, [$"Page test document {i}."]);
        }

        await PutAsync(TenantB, "doc/other-tenant", ["Not listed for tenant A."]);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Store.ListDocumentsAsync(new DocumentListQuery { TenantId = TenantA, Limit = 5, After = cursor }, Ct);
            Assert.InRange(page.Documents.Count, 1, 5);
            seen.AddRange(page.Documents.Select(d => d.Id));
            cursor = page.Next;
            pages++;
            Assert.True(pages <= 10, "paging did not terminate");
        }
        while (cursor is not null);

        Assert.Equal(5, pages);
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));

        var exact = await Store.ListDocumentsAsync(new DocumentListQuery { TenantId = TenantA, Limit = 23 }, Ct);
        Assert.Equal(23, exact.Documents.Count);
        Assert.Null(exact.Next);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public async Task ListDocumentsAsync_LimitBelowOne_ThrowsInvalidRequestException(int limit)
    {
        await PutAsync(TenantA, "a", ["One."]);
        await PutAsync(TenantA, "b", ["Two."]);

        await Assert.ThrowsAsync<InvalidRequestException>(
            () => Store.ListDocumentsAsync(new DocumentListQuery { TenantId = TenantA, Limit = limit }, Ct));
    }

    [Fact]
    public async Task ListDocumentsAsync_MalformedCursor_ThrowsInvalidRequestException()
    {
        await PutAsync(TenantA, "a", ["One."]);

        await Assert.ThrowsAsync<InvalidRequestException>(
            () => Store.ListDocumentsAsync(new DocumentListQuery { TenantId = TenantA, After = "not a cursor!" }, Ct));
    }

    [Fact]
    public async Task ListDocumentsAsync_SourceFilter_ReturnsOnlyThatSource()
    {
        await PutAsync(TenantA, "a1", ["One."], source: "fs:/a");
        await PutAsync(TenantA, "a2", ["Two."], source: "fs:/a");
        await PutAsync(TenantA, "b1", ["Three."], source: "fs:/b");

        var page = await Store.ListDocumentsAsync(new DocumentListQuery { TenantId = TenantA, Source = "fs:/a" }, Ct);

        Assert.Equal(["a1", "a2"], page.Documents.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task GetFingerprintsAsync_TenantAndSource_ReturnsOnlyThatScope()
    {
        var a1 = await PutAsync(TenantA, "a1", ["Alpha one."], source: "fs:/docs");
        var a2 = await PutAsync(TenantA, "a2", ["Alpha two."], source: "fs:/docs");
        await PutAsync(TenantA, "other-source", ["Alpha three."], source: "api");
        await PutAsync(TenantB, "b1", ["Beta one."], source: "fs:/docs");

        var fingerprints = await Store.GetFingerprintsAsync(TenantA, "fs:/docs", Ct);

        Assert.Equal(["a1", "a2"], fingerprints.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new DocumentFingerprint(a1.ContentHash, ChunkerVersion, Embedder.ModelId), fingerprints["a1"]);
        Assert.Equal(new DocumentFingerprint(a2.ContentHash, ChunkerVersion, Embedder.ModelId), fingerprints["a2"]);
        Assert.Empty(await Store.GetFingerprintsAsync(TenantB, "api", Ct));
        Assert.Equal(["b1"], (await Store.GetFingerprintsAsync(TenantB, "fs:/docs", Ct)).Keys);
    }

    [Fact]
    public async Task GetStatisticsAsync_AfterWrites_CountsDocumentsAndChunksPerTenant()
    {
        var empty = await Store.GetStatisticsAsync(TenantA, Ct);
        Assert.Equal(0, empty.Documents);
        Assert.Equal(0, empty.Chunks);
        Assert.Null(empty.LastChange);
        Assert.Equal(Generation.Id, empty.Generation.Id);

        await PutAsync(TenantA, "one", ["First chunk.", "Second chunk.", "Third chunk."]);
        var two = await PutAsync(TenantA, "two", ["Only chunk."]);
        await PutAsync(TenantB, "three", ["B chunk.", "Another B chunk."]);

        var a = await Store.GetStatisticsAsync(TenantA, Ct);
        var b = await Store.GetStatisticsAsync(TenantB, Ct);

        Assert.Equal(2, a.Documents);
        Assert.Equal(4, a.Chunks);
        Assert.NotNull(a.LastChange);
        Assert.True(a.LastChange >= two.UpdatedAt.AddSeconds(-1));
        Assert.Equal(Embedder.ModelId, a.Generation.EmbeddingModel);
        Assert.Equal(Embedder.Dimensions, a.Generation.Dimensions);
        Assert.Equal(IndexGenerationState.Live, a.Generation.State);
        Assert.Equal(1, b.Documents);
        Assert.Equal(2, b.Chunks);
    }

    [Fact]
    public async Task CheckHealthAsync_InitialisedStore_Succeeds() => await Store.CheckHealthAsync(Ct);

    // ---------------------------------------------------------------- atomicity

    [Fact]
    public async Task UpsertDocumentAsync_ChunkWithWrongDimensionsMidWrite_KeepsPreviousVersionIntact()
    {
        await AddFillersAsync(TenantA, 4);
        var previous = await PutAsync(TenantA, "doc", OldWalrusTexts);
        var chunks = MakeChunks(NewNarwhalTexts).ToList();
        chunks[2] = chunks[2] with { Embedding = new float[Embedder.Dimensions / 2] };

        await Assert.ThrowsAnyAsync<Exception>(() => Store.UpsertDocumentAsync(NarwhalDocument(), string.Join("\n\n", NewNarwhalTexts), chunks, Ct));

        await AssertPreviousVersionIntactAsync(previous, fillerChunks: 4);
        var next = await PutAsync(TenantA, "doc", NewNarwhalTexts);
        Assert.Equal(2, next.Version);
    }

    [Fact]
    public async Task UpsertDocumentAsync_CancelledMidWrite_KeepsPreviousVersionIntact()
    {
        await AddFillersAsync(TenantA, 4);
        var previous = await PutAsync(TenantA, "doc", OldWalrusTexts);
        using var cancellation = new CancellationTokenSource();
        var chunks = new CancellingChunkList(MakeChunks(NewNarwhalTexts), cancelAt: 2, cancellation);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.UpsertDocumentAsync(NarwhalDocument(), string.Join("\n\n", NewNarwhalTexts), chunks, cancellation.Token));

        Assert.True(cancellation.IsCancellationRequested);
        await AssertPreviousVersionIntactAsync(previous, fillerChunks: 4);
        var next = await PutAsync(TenantA, "doc", NewNarwhalTexts);
        Assert.Equal(2, next.Version);
    }

    [Fact]
    public async Task UpsertDocumentAsync_FirstWriteFailsMidway_LeavesNoTrace()
    {
        var chunks = MakeChunks(NewNarwhalTexts).ToList();
        chunks[2] = chunks[2] with { Embedding = new float[Embedder.Dimensions + 1] };

        await Assert.ThrowsAnyAsync<Exception>(() => Store.UpsertDocumentAsync(NarwhalDocument(), string.Join("\n\n", NewNarwhalTexts), chunks, Ct));

        Assert.Null(await Store.GetDocumentAsync(TenantA, "doc", Ct));
        Assert.Empty((await Store.ListDocumentsAsync(new DocumentListQuery { TenantId = TenantA }, Ct)).Documents);
        var stats = await Store.GetStatisticsAsync(TenantA, Ct);
        Assert.Equal(0, stats.Documents);
        Assert.Equal(0, stats.Chunks);
        Assert.Empty(await LexicalAsync("narwhal", SearchFilter.ForTenant(TenantA)));
        Assert.Empty(await DenseAsync(NewNarwhalTexts[0], SearchFilter.ForTenant(TenantA)));
    }

    // ---------------------------------------------------------------- initialisation

    [Fact]
    public async Task InitializeAsync_ReopenedWithDifferentEmbeddingModel_ThrowsInvalidOperationException()
    {
        var other = OpenStore();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => other.InitializeAsync(new IndexConfiguration("other-model-v9", Embedder.Dimensions, ChunkerVersion), Ct));

        Assert.Contains(Embedder.ModelId, error.Message, StringComparison.Ordinal);
        Assert.Contains("other-model-v9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_ReopenedWithDifferentDimensions_ThrowsInvalidOperationException()
    {
        var other = OpenStore();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => other.InitializeAsync(new IndexConfiguration(Embedder.ModelId, Embedder.Dimensions * 2, ChunkerVersion), Ct));

        Assert.Contains((Embedder.Dimensions * 2).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_ReopenedWithSameConfiguration_KeepsGenerationAndData()
    {
        await PutAsync(TenantA, "kept", ["Persisted text about lighthouses."]);
        var other = OpenStore();

        var generation = await other.InitializeAsync(Configuration, Ct);

        Assert.Equal(Generation.Id, generation.Id);
        Assert.Equal(Generation.EmbeddingModel, generation.EmbeddingModel);
        Assert.Equal(Generation.Dimensions, generation.Dimensions);
        Assert.Equal(1, (await other.GetDocumentAsync(TenantA, "kept", Ct))!.Version);
        Assert.Equal("kept", Assert.Single(await other.SearchLexicalAsync("lighthouses", SearchFilter.ForTenant(TenantA), 10, Ct)).Chunk.DocumentId);
        Assert.Equal("kept", (await other.SearchDenseAsync(Embedder.Embed("lighthouses"), SearchFilter.ForTenant(TenantA), 10, Ct))[0].Chunk.DocumentId);
    }

    [Fact]
    public async Task InitializeAsync_CalledAgain_IsIdempotent()
    {
        await PutAsync(TenantA, "kept", ["Still here."]);

        var again = await Store.InitializeAsync(Configuration, Ct);
        var thrice = await Store.InitializeAsync(Configuration, Ct);

        Assert.Equal(Generation.Id, again.Id);
        Assert.Equal(Generation.Id, thrice.Id);
        Assert.Equal(IndexGenerationState.Live, thrice.State);
        Assert.Equal(1, (await Store.GetStatisticsAsync(TenantA, Ct)).Documents);
    }

    // ---------------------------------------------------------------- helpers

    private DocumentRecord NarwhalDocument() => NewDocument(TenantA, "doc") with
    {
        ContentHash = "sha256:narwhal",
        Title = "Narwhals",
        ChunkCount = NewNarwhalTexts.Length,
    };

    private async Task AssertPreviousVersionIntactAsync(DocumentRecord previous, int fillerChunks)
    {
        var current = await Store.GetDocumentAsync(TenantA, previous.Id, Ct);
        Assert.NotNull(current);
        Assert.Equal(previous.Version, current.Version);
        Assert.Equal(previous.ChunkCount, current.ChunkCount);
        Assert.Equal(previous.ContentHash, current.ContentHash);
        Assert.Equal(previous.Title, current.Title);
        Assert.Equal(previous.UpdatedAt, current.UpdatedAt);
        Assert.Equal(string.Join("\n\n", OldWalrusTexts), await Store.GetDocumentTextAsync(TenantA, previous.Id, Ct));
        Assert.Equal(fillerChunks + OldWalrusTexts.Length, (await Store.GetStatisticsAsync(TenantA, Ct)).Chunks);

        var walrus = await LexicalAsync("walrus", SearchFilter.ForTenant(TenantA));
        Assert.Equal(OldWalrusTexts.Order(StringComparer.Ordinal), walrus.Select(r => r.Chunk.Text).Order(StringComparer.Ordinal));
        Assert.Empty(await LexicalAsync("narwhal", SearchFilter.ForTenant(TenantA)));

        foreach (var old in OldWalrusTexts)
        {
            Assert.Equal(old, (await DenseAsync(old, SearchFilter.ForTenant(TenantA), limit: 1))[0].Chunk.Text);
        }

        var all = await DenseAsync(NewNarwhalTexts[1], SearchFilter.ForTenant(TenantA), limit: 100);
        Assert.Equal(fillerChunks + OldWalrusTexts.Length, all.Count);
        Assert.DoesNotContain(all, r => NewNarwhalTexts.Contains(r.Chunk.Text));
    }

    protected static Dictionary<string, string> Meta(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    protected DocumentRecord NewDocument(string tenant, string id, IReadOnlyDictionary<string, string>? metadata = null, string source = "test") => new()
    {
        TenantId = tenant,
        Id = id,
        Title = $"Record {id}",
        Uri = $"https://example.test/records/{Uri.EscapeDataString(id)}",
        Source = source,
        MediaType = "text/plain",
        ContentHash = "sha256:unset",
        Metadata = metadata ?? DocumentRecord.EmptyMetadata,
        ChunkerVersion = ChunkerVersion,
        EmbeddingModel = Embedder.ModelId,
    };

    protected IReadOnlyList<ChunkRecord> MakeChunks(params string[] texts) =>
        texts.Select((t, i) => new ChunkRecord(i, t, i == 0 ? "" : $"Part {i}", Terms.Words(t).Count, (ReadOnlyMemory<float>)Embedder.Embed(t)))
            .ToList();

    protected Task<DocumentRecord> PutAsync(
        string tenant, string id, string[] chunkTexts, IReadOnlyDictionary<string, string>? metadata = null, string source = "test")
    {
        var text = string.Join("\n\n", chunkTexts);
        var document = NewDocument(tenant, id, metadata, source);
        document = document with
        {
            ContentHash = ContentHash.Compute(text, document.Title, document.Metadata),
            ChunkCount = chunkTexts.Length,
            TextLength = text.Length,
        };
        return Store.UpsertDocumentAsync(document, text, MakeChunks(chunkTexts), Ct);
    }

    /// <summary>One-chunk documents on unrelated topics, so that BM25 statistics are realistic.</summary>
    protected async Task AddFillersAsync(string tenant, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var topic = FillerTopics[i % FillerTopics.Length];
            await PutAsync(tenant, $"filler-{i:00}", [$"Notes on {topic}: practical advice, common mistakes and checklist {i}."]);
        }
    }

    protected Task<IReadOnlyList<ScoredChunk>> DenseAsync(string query, SearchFilter filter, int limit = 10) =>
        Store.SearchDenseAsync(Embedder.Embed(query), filter, limit, Ct);

    protected Task<IReadOnlyList<ScoredChunk>> LexicalAsync(string query, SearchFilter filter, int limit = 10) =>
        Store.SearchLexicalAsync(query, filter, limit, Ct);

    protected static void AssertDescending(IReadOnlyList<ScoredChunk> results)
    {
        for (var i = 1; i < results.Count; i++)
        {
            Assert.True(results[i - 1].Score >= results[i].Score, $"score {i - 1} ({results[i - 1].Score}) < score {i} ({results[i].Score})");
        }
    }
}
