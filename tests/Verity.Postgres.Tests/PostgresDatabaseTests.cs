using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Core;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests;

/// <summary>The one way work reaches PostgreSQL: scoped transactions, retried as a whole on transient failures.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresDatabaseTests(PostgresServer server)
{
    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task ExecuteAsync_ConnectionKilledMidTransaction_RetriesTheWholeTransactionAndCommitsOnce()
    {
        await using var database = await OpenAsync();
        await database.ExecuteAsync(DbScope.System, "create the probe table", (c, ct) => ExecAsync(c, "CREATE TABLE probe (n int)", ct), Ct);
        var attempts = 0;

        await database.ExecuteAsync(DbScope.System, "write the probe", async (connection, ct) =>
        {
            attempts++;
            await ExecAsync(connection, "INSERT INTO probe VALUES (1)", ct);
            if (attempts == 1)
            {
                await KillBackendAsync(connection);
            }

            await ExecAsync(connection, "INSERT INTO probe VALUES (2)", ct);
        }, Ct);

        Assert.Equal(2, attempts);
        var rows = await database.ExecuteAsync(DbScope.System, "read the probe", (c, ct) => ScalarAsync<long>(c, "SELECT count(*) FROM probe", ct), Ct);
        Assert.Equal(2, rows);
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionKilledOnEveryAttempt_GivesUpWithATransientStoreUnavailableException()
    {
        await using var database = await OpenAsync(new PostgresStoreOptions { ConnectionString = "", MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(10) });
        var attempts = 0;

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => database.ExecuteAsync(DbScope.System, "write the probe", async (connection, ct) =>
        {
            attempts++;
            await KillBackendAsync(connection);
            await ExecAsync(connection, "SELECT 1", ct);
        }, Ct));

        Assert.Equal(3, attempts);
        Assert.True(error.IsTransient);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
    }

    [Fact]
    public async Task ExecuteAsync_SqlError_IsNotRetriedAndRollsBack()
    {
        await using var database = await OpenAsync();
        await database.ExecuteAsync(DbScope.System, "create the probe table", (c, ct) => ExecAsync(c, "CREATE TABLE probe (n int)", ct), Ct);
        var attempts = 0;

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => database.ExecuteAsync(DbScope.System, "write the probe", async (connection, ct) =>
        {
            attempts++;
            await ExecAsync(connection, "INSERT INTO probe VALUES (1)", ct);
            await ExecAsync(connection, "INSERT INTO no_such_table VALUES (1)", ct);
        }, Ct));

        Assert.Equal(1, attempts);
        Assert.False(error.IsTransient);
        Assert.Equal("42P01", Assert.IsType<PostgresException>(error.InnerException).SqlState);
        Assert.Equal(0L, await database.ExecuteAsync(DbScope.System, "read", (c, ct) => ScalarAsync<long>(c, "SELECT count(*) FROM probe", ct), Ct));
    }

    [Fact]
    public async Task ExecuteAsync_BodyThrowsItsOwnException_PassesItThroughUnwrapped()
    {
        await using var database = await OpenAsync();

        await Assert.ThrowsAsync<InvalidRequestException>(() => database.ExecuteAsync(DbScope.Tenant("a"), "validate", (_, _) =>
            Task.FromException<int>(new InvalidRequestException("bad", "field")), Ct));
    }

    [Fact]
    public async Task ExecuteAsync_ScopeSettings_AreTransactionLocalAndNeverReachTheNextUserOfThePooledConnection()
    {
        // One physical connection, so the second transaction runs on the session the first one used.
        await using var database = await OpenAsync(new PostgresStoreOptions { ConnectionString = "Maximum Pool Size=1" });

        var inside = await database.ExecuteAsync(DbScope.Tenant("tenant-a", ["user:ann", "group:ops"]), "read the scope", (c, ct) =>
            ScalarAsync<string>(c, "SELECT current_setting('verity.tenant_id') || '|' || current_setting('verity.all_tenants') || '|' || replace(current_setting('verity.principals'), chr(31), '/')", ct), Ct);
        await using var raw = await database.DataSource.OpenConnectionAsync(Ct);
        var after = await ScalarAsync<string>(raw, "SELECT coalesce(current_setting('verity.tenant_id', true), '') || '|' || coalesce(current_setting('verity.principals', true), '')", Ct);

        Assert.Equal("tenant-a|off|/user:ann/group:ops", inside);
        Assert.Equal("|", after);
    }

    private async Task<PostgresDatabase> OpenAsync(PostgresStoreOptions? options = null)
    {
        var connectionString = await server.CreateDatabaseAsync();
        var extra = options?.ConnectionString;
        var merged = string.IsNullOrEmpty(extra) ? connectionString : connectionString + ";" + extra;
        var resolved = options ?? new PostgresStoreOptions();
        resolved.ConnectionString = merged;
        return new PostgresDatabase(resolved, NullLogger<PostgresDatabase>.Instance);
    }

    private async Task KillBackendAsync(NpgsqlConnection victim)
    {
        var pid = victim.ProcessID;
        await using var admin = new NpgsqlConnection(server.SuperuserConnectionString("postgres"));
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_terminate_backend($1)", admin);
        command.Parameters.AddWithValue(pid);
        Assert.True((bool)(await command.ExecuteScalarAsync())!);
    }

    private static async Task ExecAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
