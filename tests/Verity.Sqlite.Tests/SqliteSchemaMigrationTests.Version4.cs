using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Core.Jobs;

namespace Verity.Sqlite.Tests;

/// <summary>From version 4: the trace context of jobs and the trace id, answer details and API key of audit records.</summary>
public sealed partial class SqliteSchemaMigrationTests
{
    [Fact]
    public async Task InitializeAsync_VersionFourDatabase_AddsTraceAnswerAndKeyColumnsAndKeepsTheRows()
    {
        var options = new SqliteStoreOptions { Path = DatabasePath };
        string jobId;
        using (var current = OpenStore())
        {
            await current.InitializeAsync(Configuration, Ct);
            await current.UpsertDocumentAsync(Document("seals", LegacyText), LegacyText, [Chunk(LegacyText)], Ct);
            using var audit = new SqliteAuditLog(options, NullLogger<SqliteAuditLog>.Instance);
            await audit.AppendAsync(AuditEntry("before the upgrade"), Ct);
            using var queue = new SqliteIngestJobStore(options, NullLogger<SqliteIngestJobStore>.Instance);
            jobId = (await queue.CreateJobAsync(
                new NewIngestJob { TenantId = "default", Kind = "upload", Source = "api" }, [new NewJobItem { DocumentId = "seals" }], null, Ct)).Id;
        }

        SqliteConnection.ClearAllPools();
        using (var connection = OpenRaw())
        {
            // What version 4 left on disk: the same tables, less the columns version 5 added.
            Execute(connection, Version5Columns.Drop + "ALTER TABLE index_versions DROP COLUMN changed_at; UPDATE schema_info SET value = '4' WHERE key = 'schema_version';");
        }

        using var store = OpenStore();
        await store.InitializeAsync(Configuration, Ct);
        using var log = new SqliteAuditLog(options, NullLogger<SqliteAuditLog>.Instance);
        using var jobs = new SqliteIngestJobStore(options, NullLogger<SqliteIngestJobStore>.Instance);
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        await log.AppendAsync(AuditEntry("after the upgrade") with { TraceId = traceId, Generator = "primary", Degraded = false, Cached = true, ApiKeyId = "k3q7abcdefgh" }, Ct);

        Assert.Equal(LegacyText, await store.GetDocumentTextAsync("default", "seals", Ct));
        var records = (await log.QueryAsync(new AuditQuery { TenantId = "default" }, Ct)).Records;
        Assert.Equal(["before the upgrade", "after the upgrade"], records.Select(r => r.Query));
        Assert.Equal(((string?)null, (string?)null, (bool?)null, (bool?)null, (string?)null), (records[0].TraceId, records[0].Generator, records[0].Degraded, records[0].Cached, records[0].ApiKeyId));
        Assert.Equal((traceId, "primary", false, true, "k3q7abcdefgh"), (records[1].TraceId, records[1].Generator, records[1].Degraded, records[1].Cached, records[1].ApiKeyId));
        var leased = await jobs.LeaseNextAsync("worker", TimeSpan.FromMinutes(1), jobId, Ct);
        Assert.Equal(("seals", (string?)null), (leased!.Item.DocumentId, leased.TraceParent));
        using var raw = OpenRaw();
        Assert.Equal("5", Scalar(raw, "SELECT value FROM schema_info WHERE key = 'schema_version'"));
        // The upgrade leaves the audit log append-only, the new columns included.
        var refused = Assert.Throws<SqliteException>(() => Execute(raw, "UPDATE audit_log SET generator = 'forged'"));
        Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
        Assert.Throws<SqliteException>(() => Execute(raw, "UPDATE audit_log SET api_key_id = 'forged'"));
        Assert.Throws<SqliteException>(() => Execute(raw, "DELETE FROM audit_log"));
        Assert.Equal("2", Scalar(raw, "SELECT count(*) FROM audit_log"));
    }

    private static AuditRecord AuditEntry(string query) => new()
    {
        TenantId = "default",
        UserId = "erin",
        At = DateTimeOffset.UtcNow,
        Action = AuditActions.Chat,
        Query = query,
        Outcome = AuditOutcomes.Ok,
        StatusCode = 200,
    };

    /// <summary>Undoes what version 5 added to a current file (SQLite drops a column no index or trigger names).</summary>
    private static class Version5Columns
    {
        public const string Drop = """
            ALTER TABLE audit_log DROP COLUMN trace_id;
            ALTER TABLE audit_log DROP COLUMN generator;
            ALTER TABLE audit_log DROP COLUMN degraded;
            ALTER TABLE audit_log DROP COLUMN cached;
            ALTER TABLE audit_log DROP COLUMN api_key_id;
            ALTER TABLE ingest_jobs DROP COLUMN trace_parent;
            ALTER TABLE ingest_jobs DROP COLUMN trace_state;
            """;
    }
}
