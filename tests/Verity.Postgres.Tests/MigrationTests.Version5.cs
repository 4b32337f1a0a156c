using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Core.Jobs;
using Verity.Postgres.Tests.Audit;

namespace Verity.Postgres.Tests;

/// <summary>Migration 5 (trace context of jobs, trace id, answer details and API key of audit records) on a database
/// that a release at migration 4 created and filled.</summary>
public sealed partial class MigrationTests
{
    [Fact]
    public async Task MigrateAsync_DatabaseAtVersionFourWithRows_AppliesFiveKeepingRowsAndTheAppendOnlyLog()
    {
        await CreateVersionFourAsync();
        // Rows as that release wrote them (as the superuser: row-level security does not apply to it).
        await RawSql.ExecuteAsync(Superuser, """
            INSERT INTO audit_log (tenant_id, user_id, at, action, query, latency_ms, outcome, status_code)
            VALUES ('tenant-a', 'erin', '2026-01-01T09:00:00Z', 'chat', 'before the upgrade', 1.5, 'ok', 200);
            INSERT INTO ingest_jobs (id, tenant_id, kind, source, state, total, created_at)
            VALUES ('job_v4', 'tenant-a', 'upload', 'api', 'queued', 1, '2026-01-01T09:00:00Z');
            INSERT INTO ingest_job_items (job_id, tenant_id, seq, document_id, action, state, updated_at)
            VALUES ('job_v4', 'tenant-a', 0, 'seals', 'upsert', 'pending', '2026-01-01T09:00:00Z');
            """);

        var database = Open();
        var applied = await database.MigrateAsync(Ct);

        Assert.Equal(PostgresMigrator.Migrations.Count(m => m.Version > 4), applied);
        Assert.Contains(PostgresMigrator.Migrations, m => m.Version == 5);
        Assert.Equal(PostgresMigrator.LatestVersion, await RawSql.ScalarAsync<int>(Superuser, "SELECT max(version) FROM verity_schema_migrations"));
        await AssertSchemaCompleteAsync();

        var log = new PostgresAuditLog(database, NullLogger<PostgresAuditLog>.Instance);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        await log.AppendAsync(
            new AuditRecord
            {
                TenantId = "tenant-a", UserId = "erin", At = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), Action = AuditActions.Chat,
                Query = "after the upgrade", Outcome = AuditOutcomes.Ok, StatusCode = 200,
                TraceId = traceId, Generator = "primary", Degraded = true, Cached = false, ApiKeyId = "k3q7abcdefgh",
            },
            Ct);
        var records = (await log.QueryAsync(new AuditQuery { TenantId = "tenant-a" }, Ct)).Records;
        Assert.Equal(["before the upgrade", "after the upgrade"], records.Select(r => r.Query));
        Assert.Equal(((string?)null, (string?)null, (bool?)null, (bool?)null, (string?)null), (records[0].TraceId, records[0].Generator, records[0].Degraded, records[0].Cached, records[0].ApiKeyId));
        Assert.Equal((traceId, "primary", true, false, "k3q7abcdefgh"), (records[1].TraceId, records[1].Generator, records[1].Degraded, records[1].Cached, records[1].ApiKeyId));

        var jobs = new PostgresIngestJobStore(database, NullLogger<PostgresIngestJobStore>.Instance);
        var old = await jobs.GetJobAsync("tenant-a", "job_v4", Ct);
        Assert.Equal((IngestJobState.Queued, (string?)null), (old!.State, old.TraceParent));
        var leased = await jobs.LeaseNextAsync("worker", TimeSpan.FromMinutes(1), "job_v4", Ct);
        Assert.Equal(("seals", (string?)null), (leased!.Item.DocumentId, leased.TraceParent));

        // The trigger still refuses changes to the log, the new columns included.
        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => database.ExecuteAsync(
            DbScope.System, "tamper with the audit log", (connection, _) => RawSql.ExecuteAsync(connection, "UPDATE audit_log SET generator = 'forged', api_key_id = 'forged'"), Ct));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(refused.InnerException).SqlState);
        Assert.Equal(0L, await RawSql.ScalarAsync<long>(Superuser, "SELECT count(*) FROM audit_log WHERE generator = 'forged' OR api_key_id = 'forged'"));
    }

    /// <summary>The schema exactly as migrations 0 to 4 leave it, recorded as the migrator records it.</summary>
    private async Task CreateVersionFourAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await RawSql.ExecuteAsync(connection, """
            CREATE TABLE verity_schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """);
        foreach (var migration in PostgresMigrator.Migrations.Where(m => m.Version <= 4))
        {
            await RawSql.ExecuteAsync(connection, migration.Sql);
            await using var record = new NpgsqlCommand("INSERT INTO verity_schema_migrations (version, name) VALUES ($1, $2)", connection);
            record.Parameters.AddWithValue(migration.Version);
            record.Parameters.AddWithValue(migration.Name);
            await record.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }
}
