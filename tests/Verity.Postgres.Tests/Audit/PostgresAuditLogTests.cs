using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Audit;

/// <summary>The audit log conformance suite on a real PostgreSQL (a fresh database per test, the application role
/// under row-level security), plus what only PostgreSQL has to prove: the database refuses changes to the log even
/// from the application role, replicas with pools of their own append at once without losing a record, and the row
/// policies keep tenants apart when a query forgets to.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresAuditLogTests(PostgresServer server) : AuditLogConformanceTests
{
    private readonly List<PostgresDatabase> _databases = [];
    private string _connectionString = "";

    protected override TimeSpan TimePrecision => TimeSpan.FromMicroseconds(1);

    private PostgresDatabase Database => _databases[0];

    protected override async Task<IAuditLog> CreateLogAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        return new PostgresAuditLog(OpenDatabase(), NullLogger<PostgresAuditLog>.Instance);
    }

    public override async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>Another process's view: a database object with a connection pool of its own.</summary>
    private PostgresDatabase OpenDatabase()
    {
        var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = _connectionString }, NullLogger<PostgresDatabase>.Instance);
        _databases.Add(database);
        return database;
    }

    [Theory]
    [InlineData("UPDATE audit_log SET query = 'forged', user_id = 'someone-else'")]
    [InlineData("UPDATE audit_log SET query = 'forged' WHERE false")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("DELETE FROM audit_log WHERE user_id = 'erin'")]
    [InlineData("TRUNCATE audit_log")]
    [InlineData("INSERT INTO audit_log (id, tenant_id, user_id, at, action, latency_ms, outcome, status_code) OVERRIDING SYSTEM VALUE SELECT id, tenant_id, 'x', at, action, 0, 'ok', 200 FROM audit_log ON CONFLICT (id) DO UPDATE SET user_id = 'x'")]
    [InlineData("MERGE INTO audit_log t USING audit_log s ON t.id = s.id WHEN MATCHED THEN DELETE")]
    public async Task RawChange_AsTheApplicationRoleSeeingEveryRow_IsRefusedByTheDatabase(string sql)
    {
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0, query: "original"), Ct);
        await AuditLog.AppendAsync(Record(TenantB, "erin", T0.AddMinutes(1), query: "original"), Ct);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            Database.ExecuteAsync(DbScope.System, "tamper with the audit log", (connection, _) => RawSql.ExecuteAsync(connection, sql), Ct));

        var cause = Assert.IsType<PostgresException>(error.InnerException);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, cause.SqlState);
        Assert.Contains("append-only", cause.MessageText, StringComparison.Ordinal);
        foreach (var tenant in new[] { TenantA, TenantB })
        {
            var read = Assert.Single((await AuditLog.QueryAsync(new AuditQuery { TenantId = tenant }, Ct)).Records);
            Assert.Equal(("original", "erin"), (read.Query, read.UserId));
        }
    }

    [Fact]
    public async Task RawUpdate_OnAPlainApplicationConnection_IsRefusedByTheDatabase()
    {
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0, query: "original"), Ct);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await RawSql.ExecuteAsync(connection, "SELECT set_config('verity.all_tenants', 'on', false)");

        var error = await Assert.ThrowsAsync<PostgresException>(() => RawSql.ExecuteAsync(connection, "UPDATE audit_log SET query = 'forged'"));

        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        Assert.Equal("original", Assert.Single((await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records).Query);
    }

    [Fact]
    public async Task AppendAsync_FromSeveralReplicasAtOnce_LosesNothingAndPagesBackCompletely()
    {
        var logs = Enumerable.Range(0, 4).Select(_ => new PostgresAuditLog(OpenDatabase(), NullLogger<PostgresAuditLog>.Instance)).ToList();

        // Most records share a handful of instants, so the order among them rests on the ids the replicas drew.
        var appended = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => Task.Run(() =>
            logs[i % logs.Count].AppendAsync(Record(i % 3 == 0 ? TenantB : TenantA, $"user-{i % 5}", T0.AddSeconds(i % 4), query: $"q{i}"), Ct))));

        var forwards = await ReadAllAsync(TenantA, pageSize: 9);
        var backwards = await ReadAllAsync(TenantA, pageSize: 11, newestFirst: true);
        var tenantB = await ReadAllAsync(TenantB, pageSize: 1000);

        Assert.Equal(120, appended.Select(r => r.Id).Distinct().Count());
        Assert.Equal(appended.Where(r => r.TenantId == TenantA).Select(r => r.Query).Order(), forwards.Select(r => r.Query).Order());
        Assert.Equal(appended.Where(r => r.TenantId == TenantB).Select(r => r.Id).Order(), tenantB.Select(r => r.Id).Order());
        Assert.Equal(forwards.OrderBy(r => r.At).ThenBy(r => r.Id).Select(r => r.Id), forwards.Select(r => r.Id));
        Assert.Equal(forwards.Select(r => r.Id).Reverse(), backwards.Select(r => r.Id));
    }

    [Fact]
    public async Task UnfilteredSelect_InOneTenantsScope_SeesOnlyThatTenantsRows()
    {
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0, query: "a1"), Ct);
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(1), query: "a2"), Ct);
        await AuditLog.AppendAsync(Record(TenantB, "bo", T0, query: "b secret"), Ct);

        // The query deliberately has no tenant predicate: only the row policy stands between tenants.
        var inScopeOfA = await Database.ExecuteAsync(DbScope.Tenant(TenantA), "probe", async (connection, _) =>
            await RawSql.RowsAsync(connection, "SELECT * FROM audit_log ORDER BY id"), Ct);
        var unscoped = await RawSql.RowsAsync(_connectionString, "SELECT * FROM audit_log");
        var total = await RawSql.ScalarAsync<long>(server.SuperuserConnectionString(RawSql.DatabaseOf(_connectionString)), "SELECT count(*) FROM audit_log");

        Assert.Equal(["a1", "a2"], inScopeOfA.Select(row => (string?)row[5]));
        Assert.All(inScopeOfA, row => Assert.Equal(TenantA, row[1]));
        Assert.Empty(unscoped);
        Assert.Equal(3, total);
    }

    [Fact]
    public async Task RawInsert_OfAnotherTenantsRow_IsRefusedByTheRowPolicy()
    {
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() =>
            Database.ExecuteAsync(DbScope.Tenant(TenantA), "forge a record", (connection, _) => RawSql.ExecuteAsync(connection, $"""
                INSERT INTO audit_log (tenant_id, user_id, at, action, latency_ms, outcome, status_code)
                VALUES ('{TenantB}', 'mallory', now(), 'chat', 0, 'ok', 200)
                """), Ct));

        Assert.Contains("row-level security", Assert.IsType<PostgresException>(error.InnerException).MessageText, StringComparison.Ordinal);
        Assert.Empty((await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantB }, Ct)).Records);
    }

    [Fact]
    public async Task Schema_AuditLog_IsIndexedByTenantTimeAndId()
    {
        await Database.EnsureReadyAsync(Ct);

        var definition = await RawSql.ScalarAsync<string>(
            _connectionString, "SELECT indexdef FROM pg_indexes WHERE tablename = 'audit_log' AND indexname = 'audit_log_by_tenant_time'");

        Assert.EndsWith("(tenant_id, at, id)", definition, StringComparison.Ordinal);
    }
}
