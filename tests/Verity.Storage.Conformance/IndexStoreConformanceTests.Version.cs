using Verity.Core;
using Verity.Core.Model;
using Verity.Core.Security;

namespace Verity.Storage.Conformance;

/// <summary>The tenant's index version, which cached answers are keyed on: it moves with every write that changes
/// what the tenant's readers can see, and with nothing else. Part of the conformance suite every store runs.</summary>
public abstract partial class IndexStoreConformanceTests
{
    [Fact]
    public async Task GetIndexVersionAsync_TenantNeverWritten_IsZeroChangesOnTheLiveGeneration()
    {
        var version = await VersionAsync(TenantA);

        Assert.Equal(0, version.Changes);
        Assert.Equal(Generation.Id, version.Generation);
        Assert.Equal((await Store.GetStatisticsAsync(TenantA, Ct)).Generation.Id, version.Generation);
    }

    [Fact]
    public async Task GetIndexVersionAsync_EachAppliedUpsert_Increases()
    {
        var seen = new List<IndexVersion> { await VersionAsync(TenantA) };

        await PutAsync(TenantA, "doc", OldWalrusTexts);
        seen.Add(await VersionAsync(TenantA));
        await PutAsync(TenantA, "doc", NewNarwhalTexts);
        seen.Add(await VersionAsync(TenantA));
        await PutAsync(TenantA, "other", ["A second document."]);
        seen.Add(await VersionAsync(TenantA));
        Assert.True((await Store.UpsertDocumentAsync(VersionedWrite("doc", 3, OldWalrusTexts), Ct)).Applied);
        seen.Add(await VersionAsync(TenantA));

        AssertIncreasing(seen);
        Assert.All(seen, v => Assert.Equal(Generation.Id, v.Generation));
    }

    [Fact]
    public async Task GetIndexVersionAsync_RefusedStaleUpsert_IsUnchanged()
    {
        Assert.True((await Store.UpsertDocumentAsync(VersionedWrite("doc", 5, OldWalrusTexts), Ct)).Applied);
        var before = await VersionAsync(TenantA);

        var stale = await Store.UpsertDocumentAsync(VersionedWrite("doc", 4, NewNarwhalTexts), Ct);

        Assert.False(stale.Applied);
        Assert.Equal(before, await VersionAsync(TenantA));
    }

    [Fact]
    public async Task GetIndexVersionAsync_UpsertFailingMidWrite_IsUnchanged()
    {
        await PutAsync(TenantA, "doc", OldWalrusTexts);
        var before = await VersionAsync(TenantA);
        var chunks = MakeChunks(NewNarwhalTexts).ToList();
        chunks[2] = chunks[2] with { Embedding = new float[Embedder.Dimensions + 1] };

        await Assert.ThrowsAnyAsync<Exception>(() => Store.UpsertDocumentAsync(NarwhalDocument(), string.Join("\n\n", NewNarwhalTexts), chunks, Ct));

        Assert.Equal(before, await VersionAsync(TenantA));
    }

    [Fact]
    public async Task GetIndexVersionAsync_UpsertChangingOnlyTheAcl_Increases()
    {
        const string text = "Quarterly results for the finance team.";
        var document = NewDocument(TenantA, "report") with { ChunkCount = 1, TextLength = text.Length };
        await Store.UpsertDocumentAsync(document, text, MakeChunks(text), Ct);
        var open = await VersionAsync(TenantA);

        await Store.UpsertDocumentAsync(document with { Acl = new DocumentAcl { Groups = ["finance"] } }, text, MakeChunks(text), Ct);
        var restricted = await VersionAsync(TenantA);

        Assert.True(restricted.Changes > open.Changes, $"{restricted} after {open}");
        Assert.Empty(await LexicalAsync("quarterly results", new SearchFilter { TenantId = TenantA, Principals = ["group:sales"] }));
    }

    [Fact]
    public async Task GetIndexVersionAsync_DeleteOfExistingDocument_IncreasesAndOfMissingOneDoesNot()
    {
        await PutAsync(TenantA, "doc", OldWalrusTexts);
        var written = await VersionAsync(TenantA);

        Assert.True(await Store.DeleteDocumentAsync(TenantA, "doc", Ct));
        var deleted = await VersionAsync(TenantA);
        Assert.False(await Store.DeleteDocumentAsync(TenantA, "doc", Ct));
        Assert.False(await Store.DeleteDocumentAsync(TenantA, "never-existed", Ct));

        Assert.True(deleted.Changes > written.Changes, $"{deleted} after {written}");
        Assert.Equal(deleted, await VersionAsync(TenantA));
    }

    [Fact]
    public async Task GetIndexVersionAsync_WritesOfAnotherTenant_LeaveItUnchanged()
    {
        await PutAsync(TenantA, "doc", OldWalrusTexts);
        var a = await VersionAsync(TenantA);
        var b = await VersionAsync(TenantB);

        await PutAsync(TenantB, "doc", NewNarwhalTexts);
        await PutAsync(TenantB, "other", ["Only tenant B has this."]);
        Assert.True(await Store.DeleteDocumentAsync(TenantB, "doc", Ct));

        Assert.Equal(a, await VersionAsync(TenantA));
        var bAfter = await VersionAsync(TenantB);
        Assert.True(bAfter.Changes >= b.Changes + 3, $"tenant B went from {b} to {bAfter} over three applied writes");
    }

    [Fact]
    public async Task GetIndexVersionAsync_ConcurrentUpsertsFromSeveralTasks_CountsEveryOne()
    {
        const int Writers = 4;
        const int WritesEach = 4;
        var before = await VersionAsync(TenantA);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < WritesEach; i++)
            {
                // Every writer rewrites a document of its own and one they all share.
                await PutAsync(TenantA, i % 2 == 0 ? $"writer-{w}" : "shared", [$"Writer {w} wrote revision {i}."]);
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(writers);

        var after = await VersionAsync(TenantA);
        Assert.True(after.Changes >= before.Changes + (Writers * WritesEach), $"{Writers * WritesEach} writes took the version from {before} to {after}");
        Assert.Equal(0, (await VersionAsync(TenantB)).Changes);
    }

    [Fact]
    public async Task GetIndexVersionAsync_AnotherStoreInstance_ReadsTheSameVersion()
    {
        await PutAsync(TenantA, "doc", OldWalrusTexts);
        await PutAsync(TenantA, "doc", NewNarwhalTexts);
        var other = OpenStore();
        await other.InitializeAsync(Configuration, Ct);

        Assert.Equal(await VersionAsync(TenantA), await other.GetIndexVersionAsync(TenantA, Ct));

        await other.DeleteDocumentAsync(TenantA, "doc", Ct);
        Assert.Equal(await other.GetIndexVersionAsync(TenantA, Ct), await VersionAsync(TenantA));
    }

    private Task<IndexVersion> VersionAsync(string tenant) => Store.GetIndexVersionAsync(tenant, Ct);

    private static void AssertIncreasing(List<IndexVersion> versions)
    {
        for (var i = 1; i < versions.Count; i++)
        {
            Assert.True(versions[i].Changes > versions[i - 1].Changes, $"write {i} left the version at {versions[i]} (was {versions[i - 1]})");
        }
    }
}
