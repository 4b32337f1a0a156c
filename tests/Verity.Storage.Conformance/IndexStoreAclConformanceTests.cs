using Verity.Core;
using Verity.Core.Model;
using Verity.Core.Security;

namespace Verity.Storage.Conformance;

/// <summary>Document ACLs are part of every read the store does on a caller's behalf: search (both modes, before
/// top-k), get, text and listings. Part of the conformance suite every store runs.</summary>
public abstract partial class IndexStoreConformanceTests
{
    private static readonly string[] Engineer = ["user:erin", "group:engineering", "role:reader"];
    private static readonly string[] Executive = ["user:carol", "group:executives", "role:reader"];

    private async Task SeedAsync()
    {
        await AddFillersAsync(TenantA, 6);
        await PutWithAclAsync("salaries", "The chief executive salary is four hundred thousand kumquats per year.", new DocumentAcl { Groups = ["executives"] });
        await PutWithAclAsync("handbook", "Engineers receive a kumquat allowance for conference travel.", DocumentAcl.Public);
        await PutWithAclAsync("carol-notes", "Carol keeps the kumquat orchard deed in the safe.", new DocumentAcl { Users = ["carol"] });
        await PutWithAclAsync("nobody", "This kumquat memo has an empty access list.", new DocumentAcl());
    }

    [Fact]
    public async Task Search_RestrictedDocument_NeverReachesCallersOutsideItsAcl()
    {
        await SeedAsync();
        var filter = new SearchFilter { TenantId = TenantA, Principals = Engineer };

        foreach (var hits in new[] { await LexicalAsync("chief executive salary kumquats", filter, 50), await DenseAsync("chief executive salary kumquats", filter, 50) })
        {
            var documents = hits.Select(h => h.Chunk.DocumentId).ToHashSet();
            Assert.Contains("handbook", documents);
            Assert.DoesNotContain("salaries", documents);
            Assert.DoesNotContain("carol-notes", documents);
            Assert.DoesNotContain("nobody", documents);
        }
    }

    [Fact]
    public async Task Search_CallerInTheAcl_FindsTheRestrictedDocumentFirstInBothModes()
    {
        await SeedAsync();
        var filter = new SearchFilter { TenantId = TenantA, Principals = Executive };

        Assert.Equal("salaries", (await LexicalAsync("chief executive salary", filter))[0].Chunk.DocumentId);
        Assert.Equal("salaries", (await DenseAsync("chief executive salary", filter))[0].Chunk.DocumentId);
        Assert.Contains(await LexicalAsync("orchard deed safe", filter), h => h.Chunk.DocumentId == "carol-notes");
    }

    [Fact]
    public async Task Search_TopK_IsFilledFromVisibleDocumentsNotCutByHiddenOnes()
    {
        await AddFillersAsync(TenantA, 4);
        for (var i = 0; i < 8; i++)
        {
            await PutWithAclAsync($"secret-{i}", $"Quasar budget line {i}: quasar quasar quasar.", new DocumentAcl { Groups = ["finance"] });
        }

        await PutWithAclAsync("open", "One public mention of a quasar.", DocumentAcl.Public);
        var filter = new SearchFilter { TenantId = TenantA, Principals = Engineer };

        Assert.Equal(["open"], (await LexicalAsync("quasar", filter, 3)).Select(h => h.Chunk.DocumentId));
        Assert.Equal("open", (await DenseAsync("quasar budget", filter, 1)).Single().Chunk.DocumentId);
    }

    [Fact]
    public async Task GetListAndText_RestrictedDocument_LookAbsentToOutsiders()
    {
        await SeedAsync();

        Assert.Null(await Store.GetDocumentAsync(TenantA, "salaries", Engineer, Ct));
        Assert.Null(await Store.GetDocumentTextAsync(TenantA, "salaries", Engineer, Ct));
        Assert.NotNull(await Store.GetDocumentAsync(TenantA, "salaries", Executive, Ct));
        Assert.Contains("kumquats", await Store.GetDocumentTextAsync(TenantA, "salaries", Executive, Ct), StringComparison.Ordinal);

        var listed = (await Store.ListDocumentsAsync(new DocumentListQuery { TenantId = TenantA, Principals = Engineer, Limit = 100 }, Ct))
            .Documents.Select(d => d.Id).ToList();
        Assert.Contains("handbook", listed);
        Assert.DoesNotContain("salaries", listed);
        Assert.DoesNotContain("nobody", listed);
    }

    [Fact]
    public async Task Upsert_AclChange_TakesEffectAtOnceAndRoundTrips()
    {
        await SeedAsync();
        var filter = new SearchFilter { TenantId = TenantA, Principals = Engineer };
        Assert.DoesNotContain(await LexicalAsync("chief executive salary", filter), h => h.Chunk.DocumentId == "salaries");

        await PutWithAclAsync("salaries", "The chief executive salary is four hundred thousand kumquats per year.", new DocumentAcl { Groups = ["executives", "engineering"], Roles = ["auditor"] });

        Assert.Equal("salaries", (await LexicalAsync("chief executive salary", filter))[0].Chunk.DocumentId);
        var stored = await Store.GetDocumentAsync(TenantA, "salaries", Ct);
        Assert.False(stored!.Acl.IsPublic);
        Assert.Equal(["engineering", "executives"], stored.Acl.Groups);
        Assert.Equal(["auditor"], stored.Acl.Roles);
        Assert.True((await Store.GetDocumentAsync(TenantA, "handbook", Ct))!.Acl.IsPublic);
    }

    [Fact]
    public async Task Search_OtherTenantsPrincipals_GrantNothingAcrossTenants()
    {
        await SeedAsync();
        var filter = new SearchFilter { TenantId = TenantB, Principals = Executive };

        Assert.Empty(await LexicalAsync("chief executive salary kumquats", filter));
        Assert.Empty(await DenseAsync("chief executive salary kumquats", filter));
    }

    private Task<DocumentRecord> PutWithAclAsync(string id, string text, DocumentAcl acl)
    {
        var document = NewDocument(TenantA, id) with { Acl = acl, ChunkCount = 1, TextLength = text.Length };
        return Store.UpsertDocumentAsync(document, text, MakeChunks(text), Ct);
    }
}
