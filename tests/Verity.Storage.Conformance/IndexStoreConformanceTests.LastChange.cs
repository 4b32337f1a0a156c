namespace Verity.Storage.Conformance;

/// <summary>The newest change of any tenant, which the staleness gauge reads: one query across tenants that agrees with
/// every tenant's own statistics. Part of the conformance suite every store runs.</summary>
public abstract partial class IndexStoreConformanceTests
{
    [Fact]
    public async Task GetLastChangeAsync_NothingWritten_IsNull() => Assert.Null(await Store.GetLastChangeAsync(Ct));

    [Fact]
    public async Task GetLastChangeAsync_WritesInTurnInTwoTenants_MovesForwardWithEach()
    {
        await PutAsync(TenantA, "a1", ["Written first, in tenant A."]);
        var first = await Store.GetLastChangeAsync(Ct);
        await PutAsync(TenantB, "b1", ["Written second, in tenant B."]);
        var second = await Store.GetLastChangeAsync(Ct);
        await PutAsync(TenantA, "a1", ["Rewritten third, in tenant A."]);
        var third = await Store.GetLastChangeAsync(Ct);

        Assert.NotNull(first);
        Assert.True(second > first, $"tenant B's write left it at {second:O} (was {first:O})");
        Assert.True(third > second, $"tenant A's rewrite left it at {third:O} (was {second:O})");
    }

    [Fact]
    public async Task GetLastChangeAsync_SeveralTenants_IsTheNewestChangeOfAnyTenantNotTheFirst()
    {
        await PutAsync(TenantA, "a1", ["Tenant A's only document."]);
        await PutAsync(TenantB, "b1", ["Tenant B's first document."]);
        await PutAsync(TenantB, "b2", ["Tenant B's second document."]);

        var a = (await Store.GetStatisticsAsync(TenantA, Ct)).LastChange;
        var b = (await Store.GetStatisticsAsync(TenantB, Ct)).LastChange;
        var last = await Store.GetLastChangeAsync(Ct);

        Assert.True(b > a, $"tenant B changed at {b:O}, tenant A at {a:O}");
        Assert.Equal(b, last);
    }

    [Fact]
    public async Task GetLastChangeAsync_DeleteInAnotherTenant_MovesForwardAndDeletingNothingDoesNot()
    {
        await PutAsync(TenantB, "b1", ["Tenant B's document, deleted later."]);
        await PutAsync(TenantA, "a1", ["Tenant A's document, written after it."]);
        var written = await Store.GetLastChangeAsync(Ct);

        Assert.True(await Store.DeleteDocumentAsync(TenantB, "b1", Ct));
        var deleted = await Store.GetLastChangeAsync(Ct);
        Assert.False(await Store.DeleteDocumentAsync(TenantB, "b1", Ct));
        Assert.False(await Store.DeleteDocumentAsync(TenantA, "never-existed", Ct));

        Assert.True(deleted > written, $"the delete left it at {deleted:O} (was {written:O})");
        Assert.Equal(deleted, await Store.GetLastChangeAsync(Ct));
        Assert.Equal(deleted, (await Store.GetStatisticsAsync(TenantB, Ct)).LastChange);
    }

    [Fact]
    public async Task GetStatisticsAsync_EveryDocumentDeleted_KeepsTheTimeOfTheDelete()
    {
        await PutAsync(TenantA, "a1", ["Written, then deleted."]);
        var written = (await Store.GetStatisticsAsync(TenantA, Ct)).LastChange;

        Assert.True(await Store.DeleteDocumentAsync(TenantA, "a1", Ct));
        var statistics = await Store.GetStatisticsAsync(TenantA, Ct);

        Assert.Equal(0, statistics.Documents);
        Assert.True(statistics.LastChange > written, $"the delete left it at {statistics.LastChange:O} (was {written:O})");
        Assert.Equal(statistics.LastChange, await Store.GetLastChangeAsync(Ct));
    }

    [Fact]
    public async Task GetLastChangeAsync_AnotherStoreInstance_ReadsTheSameTime()
    {
        await PutAsync(TenantB, "b1", ["Only tenant B has written."]);
        var other = OpenStore();
        await other.InitializeAsync(Configuration, Ct);

        var last = await Store.GetLastChangeAsync(Ct);

        Assert.Equal((await Store.GetStatisticsAsync(TenantB, Ct)).LastChange, last);
        Assert.Equal(last, await other.GetLastChangeAsync(Ct));
    }
}
