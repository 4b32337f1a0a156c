using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Core;
using Verity.Core.Security;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Audit;

/// <summary>The API key store conformance suite on a real PostgreSQL (a fresh database per test, the application role
/// under row-level security), plus what only PostgreSQL has to prove: replicas share keys and revocations at once,
/// the row policies keep tenants apart when a statement forgets to, and the table never holds a secret.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresApiKeyStoreTests(PostgresServer server) : ApiKeyStoreConformanceTests
{
    private readonly List<PostgresDatabase> _databases = [];
    private string _connectionString = "";

    protected override TimeSpan TimePrecision => TimeSpan.FromMicroseconds(1);

    private PostgresDatabase Database => _databases[0];

    protected override async Task<IApiKeyStore> CreateStoreAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        return new PostgresApiKeyStore(OpenDatabase(), NullLogger<PostgresApiKeyStore>.Instance);
    }

    public override async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>Another replica's view: a database object with a connection pool of its own.</summary>
    private PostgresDatabase OpenDatabase()
    {
        var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = _connectionString }, NullLogger<PostgresDatabase>.Instance);
        _databases.Add(database);
        return database;
    }

    [Fact]
    public async Task RevokeAsync_ThroughOneReplica_IsSeenByAnotherAtItsNextLookup()
    {
        var other = new PostgresApiKeyStore(OpenDatabase(), NullLogger<PostgresApiKeyStore>.Instance);
        var id = await CreateAsync(TenantA, "bot", T0);
        Assert.False((await other.FindByIdAsync(id, Ct))!.Record.IsRevoked);

        Assert.True(await Keys.RevokeAsync(TenantA, id, Ct));

        Assert.True((await other.FindByIdAsync(id, Ct))!.Record.IsRevoked);
        Assert.True(Assert.Single(await other.ListAsync(TenantA, Ct)).IsRevoked);
    }

    [Fact]
    public async Task UnfilteredStatements_InOneTenantsScope_ReachOnlyThatTenantsKeys()
    {
        var a = await CreateAsync(TenantA, "bot-a", T0);
        var b = await CreateAsync(TenantB, "bot-b", T0);

        // The statements deliberately have no tenant predicate: only the row policy stands between tenants.
        var (visible, revoked) = await Database.ExecuteAsync(DbScope.Tenant(TenantA), "probe", async (connection, _) =>
            (await RawSql.RowsAsync(connection, "SELECT * FROM api_keys"),
             await RawSql.ExecuteAsync(connection, "UPDATE api_keys SET revoked_at = now()")), Ct);
        var unscoped = await RawSql.RowsAsync(_connectionString, "SELECT * FROM api_keys");

        Assert.Equal([a], visible.Select(row => (string?)row[0]));
        Assert.Equal(1, revoked);
        Assert.Empty(unscoped);
        Assert.True((await Keys.FindByIdAsync(a, Ct))!.Record.IsRevoked);
        Assert.False((await Keys.FindByIdAsync(b, Ct))!.Record.IsRevoked);
    }

    [Fact]
    public async Task RawInsert_OfAnotherTenantsKey_IsRefusedByTheRowPolicy()
    {
        var generated = ApiKeys.Generate();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            Database.ExecuteAsync(DbScope.Tenant(TenantA), "forge a key", (connection, _) => RawSql.ExecuteAsync(connection, $"""
                INSERT INTO api_keys (id, tenant_id, name, secret_hash, created_at, created_by)
                VALUES ('{generated.Id}', '{TenantB}', 'forged', '\x{Convert.ToHexString(generated.SecretHash)}', now(), 'mallory')
                """), Ct));

        Assert.Contains("row-level security", Assert.IsType<PostgresException>(error.InnerException).MessageText, StringComparison.Ordinal);
        Assert.Null(await Keys.FindByIdAsync(generated.Id, Ct));
    }

    [Fact]
    public async Task RawInsert_HashOfWrongLength_IsRefusedByTheDatabase()
    {
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            Database.ExecuteAsync(DbScope.Tenant(TenantA), "store a bad hash", (connection, _) => RawSql.ExecuteAsync(connection, $"""
                INSERT INTO api_keys (id, tenant_id, name, secret_hash, created_at, created_by)
                VALUES ('abcdefghijkl', '{TenantA}', 'short', '\x{Convert.ToHexString(new byte[16])}', now(), 'ada')
                """), Ct));

        Assert.Equal(PostgresErrorCodes.CheckViolation, Assert.IsType<PostgresException>(error.InnerException).SqlState);
    }

    [Fact]
    public async Task Table_NeverHoldsTheSecretOrTheKey()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => ApiKeys.Generate()).ToList();
        foreach (var generated in keys)
        {
            await Keys.CreateAsync(Record(generated.Id, TenantA, "bot-" + generated.Id) with { Groups = ["ops"] }, generated.SecretHash, Ct);
        }

        await Keys.RevokeAsync(TenantA, keys[0].Id, Ct);

        var rows = await RawSql.RowsAsync(server.SuperuserConnectionString(RawSql.DatabaseOf(_connectionString)), "SELECT * FROM api_keys");
        var cells = rows.SelectMany(row => row).SelectMany(value => value switch
        {
            byte[] bytes => [Encoding.UTF8.GetString(bytes), Encoding.Latin1.GetString(bytes), Convert.ToHexString(bytes), Convert.ToBase64String(bytes)],
            string[] array => [string.Join(',', array)],
            DateTime time => [time.ToString("O", CultureInfo.InvariantCulture)],
            null => [""],
            var other => new[] { Convert.ToString(other, CultureInfo.InvariantCulture) ?? "" },
        }).ToList();

        // Three rows of ten columns, the hash read four ways.
        Assert.Equal(3 * (9 + 4), cells.Count);
        foreach (var generated in keys)
        {
            Assert.True(ApiKeys.TryParse(generated.Key, out _, out var secret));
            Assert.All(cells, cell => Assert.DoesNotContain(secret, cell, StringComparison.Ordinal));
            Assert.All(cells, cell => Assert.DoesNotContain(generated.Key, cell, StringComparison.Ordinal));
        }
    }
}
