using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core.Embeddings;
using Verity.Core.Security;

namespace Verity.Sqlite.Tests;

/// <summary>API keys in the index's SQLite file: round trip, per-tenant listing and revocation, and a table that
/// holds only the hash of each secret.</summary>
public sealed class SqliteApiKeyStoreTests : IAsyncLifetime, IDisposable
{
    private const string TenantA = "tenant-a";
    private const string TenantB = "tenant-b";
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private SqliteIndexStore _store = null!;
    private SqliteApiKeyStore _keys = null!;

    private static CancellationToken Ct => CancellationToken.None;

    private string DatabasePath => _directory.Combine("verity.db");

    public async Task InitializeAsync()
    {
        var options = new SqliteStoreOptions { Path = DatabasePath };
        _store = new SqliteIndexStore(options, NullLogger<SqliteIndexStore>.Instance);
        var embedder = new HashingEmbeddingGenerator();
        await _store.InitializeAsync(new Verity.Core.IndexConfiguration(embedder.ModelId, embedder.Dimensions, "recursive-v1/400/60"), Ct);
        _keys = new SqliteApiKeyStore(options, NullLogger<SqliteApiKeyStore>.Instance);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _keys.Dispose();
        _store.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task CreateAsync_FullRecord_RoundTripsEveryFieldAndTheHash()
    {
        var generated = ApiKeys.Generate();
        var record = Record(generated.Id, TenantA, "indexer") with
        {
            Groups = ["finance", "it"],
            Roles = ["reader", "editor"],
            CreatedAt = new DateTimeOffset(2025, 3, 1, 10, 30, 15, 123, TimeSpan.FromHours(2)).AddTicks(4567),
            LastUsedAt = T0.AddDays(1),
        };

        await _keys.CreateAsync(record, generated.SecretHash, Ct);
        var found = await _keys.FindByIdAsync(generated.Id, Ct);

        Assert.NotNull(found);
        Assert.Equal(generated.SecretHash, found.SecretHash);
        var read = found.Record;
        Assert.Equal(record.CreatedAt, read.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
        Assert.Equal(record.Groups, read.Groups);
        Assert.Equal(record.Roles, read.Roles);
        Assert.Equal(
            (record.Id, record.TenantId, record.Name, record.CreatedBy, record.LastUsedAt, record.RevokedAt),
            (read.Id, read.TenantId, read.Name, read.CreatedBy, read.LastUsedAt, read.RevokedAt));
    }

    [Fact]
    public async Task FindByIdAsync_UnknownId_ReturnsNull()
    {
        Assert.Null(await _keys.FindByIdAsync("abcdefghijkl", Ct));
    }

    [Fact]
    public async Task ListAsync_TwoTenants_ReturnsOnlyTheTenantsKeysOldestFirst()
    {
        await CreateAsync(TenantA, "second", T0.AddMinutes(1));
        await CreateAsync(TenantB, "other", T0);
        await CreateAsync(TenantA, "first", T0);

        var a = await _keys.ListAsync(TenantA, Ct);
        var b = await _keys.ListAsync(TenantB, Ct);

        Assert.Equal(["first", "second"], a.Select(k => k.Name));
        Assert.All(a, k => Assert.Equal(TenantA, k.TenantId));
        Assert.Equal("other", Assert.Single(b).Name);
        Assert.Empty(await _keys.ListAsync("tenant-c", Ct));
    }

    [Fact]
    public async Task RevokeAsync_OwnTenant_SetsRevokedAtOnceAndKeepsTheKeyListed()
    {
        var id = await CreateAsync(TenantA, "bot", T0);

        Assert.True(await _keys.RevokeAsync(TenantA, id, Ct));
        var first = (await _keys.FindByIdAsync(id, Ct))!.Record.RevokedAt;
        Assert.True(await _keys.RevokeAsync(TenantA, id, Ct));
        var second = (await _keys.FindByIdAsync(id, Ct))!.Record;

        Assert.NotNull(first);
        Assert.InRange(first.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
        Assert.Equal(first, second.RevokedAt);
        Assert.True(second.IsRevoked);
        Assert.True(Assert.Single(await _keys.ListAsync(TenantA, Ct)).IsRevoked);
    }

    [Fact]
    public async Task RevokeAsync_OtherTenantOrUnknownId_ReturnsFalseAndChangesNothing()
    {
        var id = await CreateAsync(TenantA, "bot", T0);

        Assert.False(await _keys.RevokeAsync(TenantB, id, Ct));
        Assert.False(await _keys.RevokeAsync(TenantA, "abcdefghijkl", Ct));

        Assert.False((await _keys.FindByIdAsync(id, Ct))!.Record.IsRevoked);
    }

    [Fact]
    public async Task CreateAsync_HashOfWrongLength_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _keys.CreateAsync(Record("abcdefghijkl", TenantA, "bot"), new byte[16], Ct));
    }

    [Fact]
    public async Task Table_NeverHoldsTheSecretOrTheKey()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => ApiKeys.Generate()).ToList();
        foreach (var generated in keys)
        {
            await _keys.CreateAsync(Record(generated.Id, TenantA, "bot-" + generated.Id), generated.SecretHash, Ct);
        }

        await _keys.RevokeAsync(TenantA, keys[0].Id, Ct);

        var cells = new List<string>();
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT * FROM api_keys";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    cells.AddRange(reader.GetValue(i) switch
                    {
                        byte[] bytes => [Encoding.UTF8.GetString(bytes), Encoding.Latin1.GetString(bytes), Convert.ToHexString(bytes), Convert.ToBase64String(bytes)],
                        var value => [Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""],
                    });
                }
            }
        }

        // Three rows of ten columns, the hash blob read four ways.
        Assert.Equal(3 * (9 + 4), cells.Count);
        foreach (var generated in keys)
        {
            Assert.True(ApiKeys.TryParse(generated.Key, out _, out var secret));
            Assert.All(cells, cell => Assert.DoesNotContain(secret, cell, StringComparison.Ordinal));
            Assert.All(cells, cell => Assert.DoesNotContain(generated.Key, cell, StringComparison.Ordinal));
        }
    }

    private async Task<string> CreateAsync(string tenant, string name, DateTimeOffset createdAt)
    {
        var generated = ApiKeys.Generate();
        await _keys.CreateAsync(Record(generated.Id, tenant, name) with { CreatedAt = createdAt }, generated.SecretHash, Ct);
        return generated.Id;
    }

    private static ApiKeyRecord Record(string id, string tenant, string name) => new()
    {
        Id = id,
        TenantId = tenant,
        Name = name,
        Roles = [VerityRoles.Reader],
        CreatedAt = T0,
        CreatedBy = "ada",
    };
}
