using System.Runtime.InteropServices;
using System.Text;
using Verity.Core;
using Verity.Core.Model;
using Verity.Core.Security;
using Verity.Core.Text;

namespace Verity.Storage.Conformance;

/// <summary>A store that can export (<see cref="IIndexExporter"/>, what <c>verity migrate-store</c> reads) gives back
/// every document exactly as written, and the export written into empty storage reproduces the index. Part of the
/// conformance suite every store runs.</summary>
public abstract partial class IndexStoreConformanceTests
{
    private static readonly string[] HandbookTexts =
    [
        "Expense claims for conference travel are filed within thirty days.",
        "Hotel receipts must show the nightly rate and the taxes separately.",
        "Claims above two thousand euros need the approval of a director.",
    ];

    /// <summary>A store over new, empty storage that is not this test's (another file, another database), or null
    /// when the test class cannot make one: the export test then empties this test's storage through the store
    /// itself before writing the export back.</summary>
    protected virtual IIndexStore? CreateStoreOverFreshStorage() => null;

    [Fact]
    public async Task ExportDocumentsAsync_ExportWrittenIntoEmptyStorage_ReproducesEveryDocumentChunkAndSearch()
    {
        var exporter = Assert.IsAssignableFrom<IIndexExporter>(Store);
        var written = await SeedExportableIndexAsync();
        string[] queries = ["conference travel expense claims", "harbour ferry timetable", "approval of a director"];
        var filter = new SearchFilter { TenantId = TenantA, Principals = ["group:finance"] };
        var before = await SearchFingerprintsAsync(Store, queries, filter);

        Assert.Equal(Configuration, await exporter.GetConfigurationAsync(Ct));
        Assert.Equal([TenantA, TenantB], (await exporter.ListTenantsAsync(Ct)).Order(StringComparer.Ordinal));
        var exported = await ExportAllAsync(exporter);
        Assert.Equal(written.Keys.Order(StringComparer.Ordinal), exported.Keys);
        foreach (var (key, write) in written)
        {
            Assert.Equal(Canonical(write), Canonical(exported[key]));
        }

        foreach (var tenant in new[] { TenantA, TenantB })
        {
            var ids = await exporter.ExportDocumentsAsync(tenant, Ct).Select(w => w.Document.Id).ToListAsync(Ct);
            Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        }

        var target = CreateStoreOverFreshStorage() is { } fresh ? Track(fresh) : await EmptiedStoreAsync(exporter);
        Assert.Equal(Generation.EmbeddingModel, (await target.InitializeAsync(Configuration, Ct)).EmbeddingModel);
        var targetExporter = Assert.IsAssignableFrom<IIndexExporter>(target);
        Assert.Empty(await ExportAllAsync(targetExporter));
        foreach (var write in exported.Values)
        {
            Assert.True((await target.UpsertDocumentAsync(write, Ct)).Applied);
        }

        var copied = await ExportAllAsync(targetExporter);
        Assert.Equal(exported.Keys, copied.Keys);
        foreach (var (key, write) in exported)
        {
            Assert.Equal(Canonical(write), Canonical(copied[key]));
        }

        Assert.Equal(before, await SearchFingerprintsAsync(target, queries, filter));
        Assert.Equal(5, (await target.GetStatisticsAsync(TenantA, Ct)).Documents);
    }

    /// <summary>Writes what an export must carry: metadata, ACLs, a source version, pages, parent passages, a
    /// replaced document (only its last content), a deleted one (absent) and a second tenant with the same id.</summary>
    private async Task<Dictionary<string, DocumentWrite>> SeedExportableIndexAsync()
    {
        var writes = new Dictionary<string, DocumentWrite>(StringComparer.Ordinal);
        async Task Put(DocumentWrite write)
        {
            Assert.True((await Store.UpsertDocumentAsync(write, Ct)).Applied);
            writes[$"{write.Document.TenantId}/{write.Document.Id}"] = write;
        }

        await Put(ExportWrite(TenantA, "filler-harbour", ["The harbour ferry timetable changes in October."], DocumentAcl.Public));
        await Put(ExportWrite(TenantA, "filler-garden", ["Raised beds need compost every spring."], DocumentAcl.Public));
        await Put(ExportWrite(TenantA, "handbook/expenses.md", HandbookTexts, new DocumentAcl { Groups = ["finance"], Users = ["carol"] },
            Meta(("team", "finance"), ("doc-type.v2", "policy"), ("owner", "Zoë Ångström 😀")), sourceVersion: 42,
            parents: ["Travel: claims, receipts and deadlines.", "Approvals above the limit."], pageAndParent: [(1, 0), (2, 0), (3, 1)]));
        var noUri = ExportWrite(TenantA, "plain", ["Plain note without a link."], DocumentAcl.Public);
        await Put(noUri with { Document = noUri.Document with { Uri = null } });
        await Put(ExportWrite(TenantA, "replaced", ["First draft about lanterns."], DocumentAcl.Public));
        await Put(ExportWrite(TenantA, "replaced", ["Final text about harbour lanterns.", "Second part."], DocumentAcl.Public, sourceVersion: 7));
        await Put(ExportWrite(TenantA, "deleted", ["Soon gone."], DocumentAcl.Public));
        Assert.True(await Store.DeleteDocumentAsync(TenantA, "deleted", Ct));
        writes.Remove($"{TenantA}/deleted");
        await Put(ExportWrite(TenantB, "handbook/expenses.md", ["Tenant B files claims within a week."], new DocumentAcl { Roles = ["admin"] }));
        return writes;
    }

    private DocumentWrite ExportWrite(
        string tenant, string id, string[] texts, DocumentAcl acl, IReadOnlyDictionary<string, string>? metadata = null,
        long? sourceVersion = null, string[]? parents = null, (int Page, int Parent)[]? pageAndParent = null)
    {
        var text = string.Join("\n\n", texts);
        var chunks = MakeChunks(texts)
            .Select((c, i) => pageAndParent is null ? c : c with { Page = pageAndParent[i].Page, Parent = pageAndParent[i].Parent })
            .ToList();
        var document = NewDocument(tenant, id, metadata) with
        {
            Acl = acl,
            SourceVersion = sourceVersion,
            ChunkCount = texts.Length,
            TextLength = text.Length,
        };
        document = document with { ContentHash = ContentHash.Compute(text, document.Title, document.Metadata) };
        return new DocumentWrite(document, text, chunks) { Parents = parents ?? [] };
    }

    private static async Task<SortedDictionary<string, DocumentWrite>> ExportAllAsync(IIndexExporter exporter)
    {
        var all = new SortedDictionary<string, DocumentWrite>(StringComparer.Ordinal);
        foreach (var tenant in await exporter.ListTenantsAsync(Ct))
        {
            await foreach (var write in exporter.ExportDocumentsAsync(tenant, Ct))
            {
                Assert.Equal(tenant, write.Document.TenantId);
                Assert.True(all.TryAdd($"{tenant}/{write.Document.Id}", write), $"{write.Document.Id} exported twice");
            }
        }

        return all;
    }

    /// <summary>Deletes every document through the store, then reopens it: nothing of the index is left to be
    /// found except what the export carries.</summary>
    private async Task<IIndexStore> EmptiedStoreAsync(IIndexExporter exporter)
    {
        foreach (var tenant in await exporter.ListTenantsAsync(Ct))
        {
            var page = await Store.ListDocumentsAsync(new DocumentListQuery { TenantId = tenant, Limit = 1000 }, Ct);
            foreach (var document in page.Documents)
            {
                Assert.True(await Store.DeleteDocumentAsync(tenant, document.Id, Ct));
            }
        }

        Assert.Empty(await exporter.ListTenantsAsync(Ct));
        return OpenStore();
    }

    private IIndexStore Track(IIndexStore store)
    {
        _stores.Add(store);
        return store;
    }

    /// <summary>Dense results exactly (ids, cosine to 5 places, parent passages, pages) and the lexical result as a
    /// set, for each query: what a reader of the index sees.</summary>
    private async Task<List<string>> SearchFingerprintsAsync(IIndexStore store, string[] queries, SearchFilter filter)
    {
        var lines = new List<string>();
        foreach (var query in queries)
        {
            var dense = await store.SearchDenseAsync(Embedder.Embed(query), filter, 10, Ct);
            lines.Add("dense " + query + ": " + string.Join("; ", dense.Select(r =>
                $"{r.Chunk.Id} {r.Score:0.00000} p{r.Chunk.Page} [{r.Chunk.ParentText}] {r.Chunk.DocumentTitle} {r.Chunk.DocumentUri}")));
            var lexical = await store.SearchLexicalAsync(query, filter, 10, Ct);
            lines.Add("lexical " + query + ": " + string.Join("; ", lexical.Select(r => r.Chunk.Id).Order(StringComparer.Ordinal)));
        }

        return lines;
    }

    /// <summary>Everything a write carries except what the store assigns (version, timestamps), as text, so one
    /// assertion shows what differs.</summary>
    private static string Canonical(DocumentWrite write)
    {
        var d = write.Document;
        var text = new StringBuilder()
            .AppendLine($"{d.TenantId}|{d.Id}|{d.Title}|{d.Uri ?? "(null)"}|{d.Source}|{d.MediaType}|{d.ContentHash}")
            .AppendLine($"{d.ChunkerVersion}|{d.EmbeddingModel}|v{d.SourceVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}|{d.ChunkCount}|{d.TextLength}")
            .AppendLine("acl " + d.Acl.Canonical)
            .AppendLine("meta " + string.Join(", ", d.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")))
            .AppendLine("text " + write.Text)
            .AppendLine("parents " + string.Join(" | ", write.Parents));
        foreach (var c in write.Chunks.OrderBy(c => c.Ordinal))
        {
            text.AppendLine($"chunk {c.Ordinal}|{c.Text}|{c.HeadingPath}|{c.TokenCount}|p{c.Page}|parent {c.Parent}|{Convert.ToHexString(MemoryMarshal.AsBytes(c.Embedding.Span))}");
        }

        return text.ToString();
    }
}
