using Verity.Core;
using Verity.Core.Model;
using Verity.Core.Security;
using Verity.Core.Text;

namespace Verity.Storage.Conformance;

/// <summary>What ingestion at production strength needs from every store: pages and parent passages on every chunk
/// read, versioned writes that refuse stale content, and range filters on metadata inside the query. Part of the
/// conformance suite every store runs.</summary>
public abstract partial class IndexStoreConformanceTests
{
    private static readonly string[] Parents =
    [
        "Parent passage one. Basalt columns form when thick lava cools slowly and contracts into hexagons.",
        "Parent passage two. Obsidian is volcanic glass that cools too fast for crystals to grow.",
    ];

    // ---------------------------------------------------------------- pages and parents

    [Fact]
    public async Task Search_ChunksWithPagesAndParents_EveryReadCarriesPageAndParentText()
    {
        await AddFillersAsync(TenantA, 6);
        await WriteAsync(TenantA, "rocks", Parents,
            ("Basalt columns are hexagonal.", 3, 0),
            ("Lava contracts as it cools.", 3, 0),
            ("Obsidian is volcanic glass.", 4, 1),
            ("Pumice floats on water.", null, null));
        var filter = SearchFilter.ForTenant(TenantA);

        foreach (var hits in new[] { await LexicalAsync("obsidian volcanic glass", filter), await DenseAsync("Obsidian is volcanic glass.", filter) })
        {
            var top = hits[0].Chunk;
            Assert.Equal(IndexedChunk.MakeId("rocks", 2), top.Id);
            Assert.Equal("Obsidian is volcanic glass.", top.Text);
            Assert.Equal(4, top.Page);
            Assert.Equal(Parents[1], top.ParentText);
            Assert.Equal(Parents[1], top.Context);
        }

        var basalt = (await DenseAsync("Basalt columns are hexagonal.", filter, limit: 1))[0].Chunk;
        Assert.Equal(3, basalt.Page);
        Assert.Equal(Parents[0], basalt.ParentText);

        foreach (var hits in new[] { await LexicalAsync("pumice floats", filter), await DenseAsync("Pumice floats on water.", filter) })
        {
            var own = hits[0].Chunk;
            Assert.Equal("Pumice floats on water.", own.Text);
            Assert.Null(own.Page);
            Assert.Null(own.ParentText);
            Assert.Equal(own.Text, own.Context);
        }
    }

    [Fact]
    public async Task UpsertDocumentAsync_ReplacedAndDeleted_ReplacesParentsAndDeletesThemWithTheDocument()
    {
        await AddFillersAsync(TenantA, 6);
        await WriteAsync(TenantA, "rocks", Parents, ("Basalt columns are hexagonal.", 1, 0), ("Obsidian is volcanic glass.", 2, 1));
        const string newParent = "Replacement passage. Granite cools deep underground, slowly enough for large crystals.";

        await WriteAsync(TenantA, "rocks", [newParent], ("Granite has large crystals.", 1, 0), ("Obsidian is volcanic glass.", 2, null));

        var filter = SearchFilter.ForTenant(TenantA);
        var granite = (await LexicalAsync("granite crystals", filter))[0].Chunk;
        Assert.Equal(newParent, granite.ParentText);
        var obsidian = (await DenseAsync("Obsidian is volcanic glass.", filter, limit: 1))[0].Chunk;
        Assert.Equal("Obsidian is volcanic glass.", obsidian.Text);
        Assert.Null(obsidian.ParentText);
        Assert.Equal(2, obsidian.Page);

        Assert.True(await Store.DeleteDocumentAsync(TenantA, "rocks", Ct));
        Assert.Empty(await LexicalAsync("granite obsidian", filter));

        // A new document under the same id, with a chunk pointing at parent 0 again, must see only its own parent.
        await WriteAsync(TenantA, "rocks", ["Fresh passage about chalk cliffs."], ("Chalk is soft limestone.", null, 0));
        var chalk = Assert.Single(await LexicalAsync("chalk limestone", filter)).Chunk;
        Assert.Equal("Fresh passage about chalk cliffs.", chalk.ParentText);
        Assert.Null(chalk.Page);
    }

    [Fact]
    public async Task UpsertDocumentAsync_ChunkPointsToMissingParent_ThrowsAndWritesNothing()
    {
        var write = BuildWrite(TenantA, "rocks", ["Only parent."], ("Basalt columns are hexagonal.", 1, 0), ("Obsidian is volcanic glass.", 1, 1));

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpsertDocumentAsync(write, Ct));

        Assert.Null(await Store.GetDocumentAsync(TenantA, "rocks", Ct));
        Assert.Empty(await LexicalAsync("basalt obsidian", SearchFilter.ForTenant(TenantA)));
    }

    // ---------------------------------------------------------------- versioned writes

    [Fact]
    public async Task UpsertDocumentAsync_LowerSourceVersion_IsRefusedAndChangesNothing()
    {
        await AddFillersAsync(TenantA, 4);
        var stored = (await Store.UpsertDocumentAsync(VersionedWrite("doc", 5, OldWalrusTexts), Ct)).Document;

        var result = await Store.UpsertDocumentAsync(VersionedWrite("doc", 4, NewNarwhalTexts), Ct);

        Assert.False(result.Applied);
        Assert.Equal(5, result.Document.SourceVersion);
        Assert.Equal(stored.Version, result.Document.Version);
        Assert.Equal(stored.ContentHash, result.Document.ContentHash);
        var current = await Store.GetDocumentAsync(TenantA, "doc", Ct);
        Assert.NotNull(current);
        Assert.Equal(5, current.SourceVersion);
        Assert.Equal(1, current.Version);
        Assert.Equal(stored.ContentHash, current.ContentHash);
        Assert.Equal(stored.UpdatedAt, current.UpdatedAt);
        Assert.Equal(OldWalrusTexts.Length, current.ChunkCount);
        Assert.Equal(string.Join("\n\n", OldWalrusTexts), await Store.GetDocumentTextAsync(TenantA, "doc", Ct));
        Assert.Equal(4 + OldWalrusTexts.Length, (await Store.GetStatisticsAsync(TenantA, Ct)).Chunks);
        Assert.Empty(await LexicalAsync("narwhal", SearchFilter.ForTenant(TenantA)));
        Assert.Equal(OldWalrusTexts.Length, (await LexicalAsync("walrus", SearchFilter.ForTenant(TenantA))).Count);
        Assert.DoesNotContain(await DenseAsync(NewNarwhalTexts[0], SearchFilter.ForTenant(TenantA), limit: 50), r => NewNarwhalTexts.Contains(r.Chunk.Text));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public async Task UpsertDocumentAsync_EqualOrHigherSourceVersion_Applies(long incoming)
    {
        await AddFillersAsync(TenantA, 4);
        await Store.UpsertDocumentAsync(VersionedWrite("doc", 5, OldWalrusTexts), Ct);

        var result = await Store.UpsertDocumentAsync(VersionedWrite("doc", incoming, NewNarwhalTexts), Ct);

        Assert.True(result.Applied);
        Assert.Equal(incoming, result.Document.SourceVersion);
        Assert.Equal(2, result.Document.Version);
        Assert.Equal(incoming, (await Store.GetDocumentAsync(TenantA, "doc", Ct))!.SourceVersion);
        Assert.Equal(string.Join("\n\n", NewNarwhalTexts), await Store.GetDocumentTextAsync(TenantA, "doc", Ct));
        Assert.Empty(await LexicalAsync("walrus", SearchFilter.ForTenant(TenantA)));
        Assert.Equal(NewNarwhalTexts.Length, (await LexicalAsync("narwhal", SearchFilter.ForTenant(TenantA))).Count);
    }

    [Fact]
    public async Task UpsertDocumentAsync_UnversionedWrites_AlwaysApplyAndStoreNoVersion()
    {
        await AddFillersAsync(TenantA, 4);
        await Store.UpsertDocumentAsync(VersionedWrite("doc", 5, OldWalrusTexts), Ct);

        var unversioned = await Store.UpsertDocumentAsync(VersionedWrite("doc", null, NewNarwhalTexts), Ct);
        Assert.True(unversioned.Applied);
        Assert.Null(unversioned.Document.SourceVersion);
        Assert.Equal(NewNarwhalTexts.Length, (await LexicalAsync("narwhal", SearchFilter.ForTenant(TenantA))).Count);

        // Over unversioned content any version applies; from then on lower ones are refused again.
        var versioned = await Store.UpsertDocumentAsync(VersionedWrite("doc", 1, OldWalrusTexts), Ct);
        Assert.True(versioned.Applied);
        Assert.Equal(1, versioned.Document.SourceVersion);
        var stale = await Store.UpsertDocumentAsync(VersionedWrite("doc", 0, NewNarwhalTexts), Ct);
        Assert.False(stale.Applied);
        Assert.Equal(3, (await Store.GetDocumentAsync(TenantA, "doc", Ct))!.Version);
        Assert.Empty(await LexicalAsync("narwhal", SearchFilter.ForTenant(TenantA)));
    }

    // ---------------------------------------------------------------- range filters

    [Fact]
    public async Task Search_DateRange_KeepsOnlyDocumentsInsideTheRangeInBothModes()
    {
        await SeedDatedAsync(TenantA);
        var range = new MetadataRange(MetadataKeys.Modified, "2024-01-01T00:00:00Z", "2024-12-31T23:59:59Z");
        var filter = new SearchFilter { TenantId = TenantA, Ranges = [range] };

        foreach (var hits in await BothModesAsync("quarterly gannet census report", filter))
        {
            Assert.Equal(["mid-2024", "q1-2024"], hits.Select(h => h.Chunk.DocumentId).Order(StringComparer.Ordinal));
        }

        var onlyFrom = new SearchFilter { TenantId = TenantA, Ranges = [range with { To = null }] };
        foreach (var hits in await BothModesAsync("quarterly gannet census report", onlyFrom))
        {
            Assert.Equal(["mid-2024", "q1-2024", "y2025"], hits.Select(h => h.Chunk.DocumentId).Order(StringComparer.Ordinal));
        }

        var onlyTo = new SearchFilter { TenantId = TenantA, Ranges = [range with { From = null }] };
        foreach (var hits in await BothModesAsync("quarterly gannet census report", onlyTo))
        {
            Assert.Equal(["mid-2024", "old-2023", "q1-2024"], hits.Select(h => h.Chunk.DocumentId).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Search_TwoRangesAndAnExactFilter_AllMustHold()
    {
        await SeedDatedAsync(TenantA);
        var filter = new SearchFilter
        {
            TenantId = TenantA,
            Metadata = Meta(("team", "birds")),
            Ranges =
            [
                new MetadataRange(MetadataKeys.Modified, "2024-01-01T00:00:00Z", null),
                new MetadataRange(MetadataKeys.Created, null, "2024-02-01T00:00:00Z"),
            ],
        };

        foreach (var hits in await BothModesAsync("quarterly gannet census report", filter))
        {
            Assert.Equal(["q1-2024"], hits.Select(h => h.Chunk.DocumentId));
        }
    }

    [Fact]
    public async Task Search_RangeCombinedWithAcl_AppliesBothBeforeTopK()
    {
        await SeedDatedAsync(TenantA, restricted: true);
        string[] birdWatcher = ["user:ann", "group:birders"];
        var aclOnly = new SearchFilter { TenantId = TenantA, Principals = birdWatcher };
        var both = aclOnly with { Ranges = [new MetadataRange(MetadataKeys.Modified, "2024-01-01T00:00:00Z", "2024-12-31T23:59:59Z")] };

        // The ACL-only search first: a store that caches what principals may read must not reuse it for the range.
        foreach (var hits in await BothModesAsync("quarterly gannet census report", aclOnly))
        {
            var reports = hits.Select(h => h.Chunk.DocumentId).Where(id => !id.StartsWith("filler-", StringComparison.Ordinal));
            Assert.Equal(["old-2023", "q1-2024", "undated"], reports.Order(StringComparer.Ordinal));
        }

        // mid-2024 ranks first on this query but is outside the ACL, y2025 is outside the range: one result is still
        // found because both filters apply before the limit.
        foreach (var hits in await BothModesAsync("gannet census report mid 2024", both, limit: 1))
        {
            Assert.Equal("q1-2024", Assert.Single(hits).Chunk.DocumentId);
        }
    }

    [Fact]
    public async Task Search_RangeKeyWithQuote_ThrowsInvalidRequestException()
    {
        await SeedDatedAsync(TenantA);
        var filter = new SearchFilter { TenantId = TenantA, Ranges = [new MetadataRange("modified\") OR 1=1 --", "2000", null)] };

        await Assert.ThrowsAsync<InvalidRequestException>(() => LexicalAsync("gannet", filter));
        await Assert.ThrowsAsync<InvalidRequestException>(() => DenseAsync("gannet", filter));
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Five reports on one topic, four of them dated; with <paramref name="restricted"/>, the ones from mid
    /// 2024 and 2025 are readable by the executives group only.</summary>
    private async Task SeedDatedAsync(string tenant, bool restricted = false)
    {
        await AddFillersAsync(tenant, 6);
        (string Id, string? Created, string? Modified, bool Birders)[] reports =
        [
            ("old-2023", "2023-01-02T08:00:00Z", "2023-01-15T09:30:00Z", true),
            ("q1-2024", "2024-01-05T08:00:00Z", "2024-03-01T00:00:00Z", true),
            ("mid-2024", "2024-06-01T08:00:00Z", "2024-06-30T12:00:00Z", false),
            ("y2025", "2025-01-10T08:00:00Z", "2025-02-01T10:00:00Z", false),
            ("undated", null, null, true),
        ];
        foreach (var (id, created, modified, birders) in reports)
        {
            var metadata = Meta(("team", "birds"));
            if (created is not null)
            {
                metadata[MetadataKeys.Created] = created;
            }

            if (modified is not null)
            {
                metadata[MetadataKeys.Modified] = modified;
            }

            var text = $"Quarterly gannet census report {id}: colony counts on the sea cliffs.";
            var acl = !restricted ? DocumentAcl.Public : birders ? new DocumentAcl { Groups = ["birders"] } : new DocumentAcl { Groups = ["executives"] };
            var document = NewDocument(tenant, id, metadata) with { Acl = acl, ChunkCount = 1, TextLength = text.Length };
            await Store.UpsertDocumentAsync(document, text, MakeChunks(text), Ct);
        }
    }

    private async Task<IReadOnlyList<ScoredChunk>[]> BothModesAsync(string query, SearchFilter filter, int limit = 50) =>
        [await LexicalAsync(query, filter, limit), await DenseAsync(query, filter, limit)];

    private DocumentWrite VersionedWrite(string id, long? sourceVersion, string[] texts)
    {
        var text = string.Join("\n\n", texts);
        var document = NewDocument(TenantA, id) with { SourceVersion = sourceVersion, ChunkCount = texts.Length, TextLength = text.Length };
        document = document with { ContentHash = ContentHash.Compute(text, document.Title, document.Metadata) };
        return new DocumentWrite(document, text, MakeChunks(texts));
    }

    private DocumentWrite BuildWrite(string tenant, string id, string[] parents, params (string Text, int? Page, int? Parent)[] chunks)
    {
        var texts = chunks.Select(c => c.Text).ToArray();
        var text = string.Join("\n\n", texts);
        var records = MakeChunks(texts).Select((c, i) => c with { Page = chunks[i].Page, Parent = chunks[i].Parent }).ToList();
        var document = NewDocument(tenant, id) with { ChunkCount = records.Count, TextLength = text.Length };
        return new DocumentWrite(document, text, records) { Parents = parents };
    }

    private Task<UpsertResult> WriteAsync(string tenant, string id, string[] parents, params (string Text, int? Page, int? Parent)[] chunks) =>
        Store.UpsertDocumentAsync(BuildWrite(tenant, id, parents, chunks), Ct);
}
