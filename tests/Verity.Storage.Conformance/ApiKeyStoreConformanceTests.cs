using Verity.Core;
using Verity.Core.Security;

namespace Verity.Storage.Conformance;

/// <summary>
/// What every <see cref="IApiKeyStore"/> must do: keep a key's record and secret hash, find a key by id whatever its
/// tenant, list and revoke only within the tenant, and keep ids unique across tenants. A store's test class derives
/// from this suite and supplies <see cref="CreateStoreAsync"/>; every test gets its own empty storage. That the
/// storage never holds a secret is checked by each store on its own tables.
/// </summary>
public abstract class ApiKeyStoreConformanceTests : IAsyncLifetime
{
    protected const string TenantA = "tenant-a";
    protected const string TenantB = "tenant-b";

    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>The store under test.</summary>
    protected IApiKeyStore Keys { get; private set; } = null!;

    /// <summary>The finest time the store keeps; times are truncated to it (a tick keeps them exactly).</summary>
    protected virtual TimeSpan TimePrecision => TimeSpan.FromTicks(1);

    /// <summary>A store over new, empty storage of this test.</summary>
    protected abstract Task<IApiKeyStore> CreateStoreAsync();

    public virtual async Task InitializeAsync() => Keys = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary><paramref name="at"/> as the store keeps it: in UTC, truncated to <see cref="TimePrecision"/>.</summary>
    protected DateTimeOffset Stored(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % TimePrecision.Ticks), TimeSpan.Zero);

    protected static ApiKeyRecord Record(string id, string tenant, string name) => new()
    {
        Id = id,
        TenantId = tenant,
        Name = name,
        Roles = [VerityRoles.Reader],
        CreatedAt = T0,
        CreatedBy = "ada",
    };

    protected async Task<string> CreateAsync(string tenant, string name, DateTimeOffset createdAt)
    {
        var generated = ApiKeys.Generate();
        await Keys.CreateAsync(Record(generated.Id, tenant, name) with { CreatedAt = createdAt }, generated.SecretHash, Ct);
        return generated.Id;
    }

    [Fact]
    public async Task CreateAsync_FullRecord_RoundTripsEveryFieldAndTheHash()
    {
        var generated = ApiKeys.Generate();
        var lastUsed = T0.AddDays(1).AddTicks(3);
        var record = Record(generated.Id, TenantA, "indexer") with
        {
            Groups = ["finance", "it"],
            Roles = ["reader", "editor"],
            CreatedAt = new DateTimeOffset(2025, 3, 1, 10, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567),
            LastUsedAt = lastUsed,
        };

        await Keys.CreateAsync(record, generated.SecretHash, Ct);
        var found = await Keys.FindByIdAsync(generated.Id, Ct);

        Assert.NotNull(found);
        Assert.Equal(generated.SecretHash, found.SecretHash);
        var read = found.Record;
        Assert.Equal(Stored(record.CreatedAt), read.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
        Assert.Equal(Stored(lastUsed), read.LastUsedAt);
        Assert.Equal(record.Groups, read.Groups);
        Assert.Equal(record.Roles, read.Roles);
        Assert.Equal(
            (record.Id, record.TenantId, record.Name, record.CreatedBy, record.RevokedAt),
            (read.Id, read.TenantId, read.Name, read.CreatedBy, read.RevokedAt));
        Assert.True(ApiKeys.TryParse(generated.Key, out _, out var secret));
        Assert.True(ApiKeys.Verify(secret, found.SecretHash));
    }

    [Fact]
    public async Task CreateAsync_AlreadyRevokedRecord_KeepsTheRevocation()
    {
        var generated = ApiKeys.Generate();

        await Keys.CreateAsync(Record(generated.Id, TenantA, "old") with { RevokedAt = T0.AddHours(1) }, generated.SecretHash, Ct);

        var read = (await Keys.FindByIdAsync(generated.Id, Ct))!.Record;
        Assert.Equal(T0.AddHours(1), read.RevokedAt);
        Assert.True(read.IsRevoked);
        Assert.Null(read.LastUsedAt);
    }

    [Fact]
    public async Task FindByIdAsync_UnknownId_ReturnsNull()
    {
        Assert.Null(await Keys.FindByIdAsync("abcdefghijkl", Ct));
    }

    [Fact]
    public async Task FindByIdAsync_KeysOfSeveralTenants_FindsEachWithItsOwnTenantAndHash()
    {
        var a = ApiKeys.Generate();
        var b = ApiKeys.Generate();
        await Keys.CreateAsync(Record(a.Id, TenantA, "bot-a"), a.SecretHash, Ct);
        await Keys.CreateAsync(Record(b.Id, TenantB, "bot-b"), b.SecretHash, Ct);

        var foundA = await Keys.FindByIdAsync(a.Id, Ct);
        var foundB = await Keys.FindByIdAsync(b.Id, Ct);

        Assert.Equal((TenantA, "bot-a"), (foundA!.Record.TenantId, foundA.Record.Name));
        Assert.Equal((TenantB, "bot-b"), (foundB!.Record.TenantId, foundB.Record.Name));
        Assert.Equal(a.SecretHash, foundA.SecretHash);
        Assert.Equal(b.SecretHash, foundB.SecretHash);
    }

    [Fact]
    public async Task CreateAsync_IdTakenInAnotherTenant_IsRefusedAndKeepsTheFirstKey()
    {
        var first = ApiKeys.Generate();
        var impostor = ApiKeys.Generate();
        await Keys.CreateAsync(Record(first.Id, TenantA, "real"), first.SecretHash, Ct);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(
            () => Keys.CreateAsync(Record(first.Id, TenantB, "impostor"), impostor.SecretHash, Ct));

        Assert.False(error.IsTransient);
        var found = await Keys.FindByIdAsync(first.Id, Ct);
        Assert.Equal((TenantA, "real"), (found!.Record.TenantId, found.Record.Name));
        Assert.Equal(first.SecretHash, found.SecretHash);
        Assert.Empty(await Keys.ListAsync(TenantB, Ct));
    }

    [Fact]
    public async Task ListAsync_TwoTenants_ReturnsOnlyTheTenantsKeysOldestFirst()
    {
        await CreateAsync(TenantA, "second", T0.AddMinutes(1));
        await CreateAsync(TenantB, "other", T0);
        await CreateAsync(TenantA, "first", T0);

        var a = await Keys.ListAsync(TenantA, Ct);
        var b = await Keys.ListAsync(TenantB, Ct);

        Assert.Equal(["first", "second"], a.Select(k => k.Name));
        Assert.All(a, k => Assert.Equal(TenantA, k.TenantId));
        Assert.Equal("other", Assert.Single(b).Name);
        Assert.Empty(await Keys.ListAsync("tenant-c", Ct));
    }

    [Fact]
    public async Task RevokeAsync_OwnTenant_SetsRevokedAtOnceAndKeepsTheKeyListed()
    {
        var id = await CreateAsync(TenantA, "bot", T0);

        Assert.True(await Keys.RevokeAsync(TenantA, id, Ct));
        var first = (await Keys.FindByIdAsync(id, Ct))!.Record.RevokedAt;
        Assert.True(await Keys.RevokeAsync(TenantA, id, Ct));
        var second = (await Keys.FindByIdAsync(id, Ct))!.Record;

        Assert.NotNull(first);
        Assert.InRange(first.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
        Assert.Equal(first, second.RevokedAt);
        Assert.True(second.IsRevoked);
        Assert.True(Assert.Single(await Keys.ListAsync(TenantA, Ct)).IsRevoked);
    }

    [Fact]
    public async Task RevokeAsync_OtherTenantOrUnknownId_ReturnsFalseAndChangesNothing()
    {
        var id = await CreateAsync(TenantA, "bot", T0);

        Assert.False(await Keys.RevokeAsync(TenantB, id, Ct));
        Assert.False(await Keys.RevokeAsync(TenantA, "abcdefghijkl", Ct));

        Assert.False((await Keys.FindByIdAsync(id, Ct))!.Record.IsRevoked);
    }

    [Fact]
    public async Task RevokeAsync_ManyAtOnce_AllSucceedWithOneRevocationTime()
    {
        var id = await CreateAsync(TenantA, "bot", T0);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Keys.RevokeAsync(TenantA, id, Ct)));
        var revokedAt = (await Keys.FindByIdAsync(id, Ct))!.Record.RevokedAt;
        await Task.Delay(5);
        Assert.True(await Keys.RevokeAsync(TenantA, id, Ct));

        Assert.All(results, r => Assert.True(r));
        Assert.NotNull(revokedAt);
        Assert.Equal(revokedAt, (await Keys.FindByIdAsync(id, Ct))!.Record.RevokedAt);
    }

    [Fact]
    public async Task CreateAsync_HashOfWrongLength_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Keys.CreateAsync(Record("abcdefghijkl", TenantA, "bot"), new byte[16], Ct));

        Assert.Null(await Keys.FindByIdAsync("abcdefghijkl", Ct));
    }
}
