using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Embeddings;
using Verity.Core.Security;

namespace Verity.Sqlite.Tests;

/// <summary>The API key store conformance suite against the index's SQLite file, plus what only the SQLite store
/// has: a table that holds only the hash of each secret, and time kept to the tick.</summary>
public sealed class SqliteApiKeyStoreTests : ApiKeyStoreConformanceTests, IDisposable
{
    private readonly TempDirectory _directory = new();
    private SqliteIndexStore _store = null!;
    private SqliteApiKeyStore _keys = null!;

    private string DatabasePath => _directory.Combine("verity.db");

    protected override async Task<IApiKeyStore> CreateStoreAsync()
    {
        var options = new SqliteStoreOptions { Path = DatabasePath };
        _store = new SqliteIndexStore(options, NullLogger<SqliteIndexStore>.Instance);
        var embedder = new HashingEmbeddingGenerator();
        await _store.InitializeAsync(new IndexConfiguration(embedder.ModelId, embedder.Dimensions, "recursive-v1/400/60"), Ct);
        _keys = new SqliteApiKeyStore(options, NullLogger<SqliteApiKeyStore>.Instance);
        return _keys;
    }

    public void Dispose()
    {
        _keys?.Dispose();
        _store?.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task CreateAsync_TimesWithSubMicrosecondTicks_KeepsEveryTick()
    {
        var generated = ApiKeys.Generate();
        var created = T0.AddTicks(1234567);
        var used = T0.AddDays(1).AddTicks(7);

        await Keys.CreateAsync(Record(generated.Id, TenantA, "bot") with { CreatedAt = created, LastUsedAt = used }, generated.SecretHash, Ct);
        var read = (await Keys.FindByIdAsync(generated.Id, Ct))!.Record;

        Assert.Equal(created.UtcTicks, read.CreatedAt.UtcTicks);
        Assert.Equal(used.UtcTicks, read.LastUsedAt?.UtcTicks);
    }

    [Fact]
    public async Task Table_NeverHoldsTheSecretOrTheKey()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => ApiKeys.Generate()).ToList();
        foreach (var generated in keys)
        {
            await Keys.CreateAsync(Record(generated.Id, TenantA, "bot-" + generated.Id), generated.SecretHash, Ct);
        }

        await Keys.RevokeAsync(TenantA, keys[0].Id, Ct);

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
}
