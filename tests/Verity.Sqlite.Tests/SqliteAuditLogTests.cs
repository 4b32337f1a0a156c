using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Core.Embeddings;

namespace Verity.Sqlite.Tests;

/// <summary>The audit log conformance suite against the index's SQLite file, plus what only the SQLite log has: a
/// table the database itself keeps append-only (triggers), the file it shares with the index store, and time kept to
/// the tick.</summary>
public sealed class SqliteAuditLogTests : AuditLogConformanceTests, IDisposable
{
    private readonly TempDirectory _directory = new();
    private SqliteIndexStore _store = null!;
    private SqliteAuditLog _log = null!;

    private string DatabasePath => _directory.Combine("verity.db");

    protected override async Task<IAuditLog> CreateLogAsync()
    {
        var options = new SqliteStoreOptions { Path = DatabasePath };
        _store = new SqliteIndexStore(options, NullLogger<SqliteIndexStore>.Instance);
        var embedder = new HashingEmbeddingGenerator();
        await _store.InitializeAsync(new IndexConfiguration(embedder.ModelId, embedder.Dimensions, "recursive-v1/400/60"), Ct);
        _log = new SqliteAuditLog(options, NullLogger<SqliteAuditLog>.Instance);
        return _log;
    }

    public void Dispose()
    {
        _log?.Dispose();
        _store?.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task AppendAsync_TimeWithSubMicrosecondTicks_KeepsEveryTick()
    {
        var at = T0.AddTicks(1234567);

        var appended = await AuditLog.AppendAsync(Record(TenantA, "erin", at), Ct);
        var read = Assert.Single((await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records);

        Assert.Equal(at.UtcTicks, appended.At.UtcTicks);
        Assert.Equal(at.UtcTicks, read.At.UtcTicks);
    }

    [Fact]
    public async Task RawUpdate_OnAuditLog_IsRefusedByTheDatabase()
    {
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0, query: "original"), Ct);
        using var connection = OpenRaw();

        var error = Assert.Throws<SqliteException>(() => Execute(connection, "UPDATE audit_log SET query = 'forged', user_id = 'someone-else'"));

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        var read = Assert.Single((await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records);
        Assert.Equal(("original", "erin"), (read.Query, read.UserId));
    }

    [Theory]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("DELETE FROM audit_log WHERE user_id = 'erin'")]
    [InlineData("INSERT OR REPLACE INTO audit_log(id, tenant_id, user_id, at, action, latency_ms, outcome, status_code) SELECT id, tenant_id, 'x', at, action, 0, 'ok', 200 FROM audit_log")]
    [InlineData("INSERT INTO audit_log(id, tenant_id, user_id, at, action, latency_ms, outcome, status_code) SELECT id, tenant_id, 'x', at, action, 0, 'ok', 200 FROM audit_log WHERE true ON CONFLICT(id) DO UPDATE SET user_id = 'x'")]
    public async Task RawDeleteOrReplace_OnAuditLog_IsRefusedByTheDatabase(string sql)
    {
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0), Ct);
        await AuditLog.AppendAsync(Record(TenantA, "erin", T0.AddMinutes(1)), Ct);
        using var connection = OpenRaw();

        var error = Assert.Throws<SqliteException>(() => Execute(connection, sql));

        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        var records = (await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records;
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("erin", r.UserId));
    }

    [Fact]
    public async Task AppendAsync_WhileTheStoreWritesADocument_BothSucceed()
    {
        var writes = Enumerable.Range(0, 20).Select(i => AuditLog.AppendAsync(Record(TenantA, "erin", T0.AddSeconds(i)), Ct)).ToList();
        var store = _store.DeleteDocumentAsync(TenantA, "missing", Ct);

        await Task.WhenAll(writes);
        Assert.False(await store);
        Assert.Equal(20, (await AuditLog.QueryAsync(new AuditQuery { TenantId = TenantA }, Ct)).Records.Count);
    }

    [Fact]
    public async Task AppendAsync_DatabaseNotCreatedYet_ThrowsStoreUnavailableWithoutCreatingAFile()
    {
        var path = _directory.Combine("elsewhere", "never.db");
        using var log = new SqliteAuditLog(new SqliteStoreOptions { Path = path }, NullLogger<SqliteAuditLog>.Instance);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => log.AppendAsync(Record(TenantA, "erin", T0), Ct));

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Schema_AuditLog_IsIndexedByTenantAndTime()
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_index_info('audit_log_by_tenant_time') ORDER BY seqno";
        using var reader = command.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }

        Assert.Equal(["tenant_id", "at"], columns);
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
