using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Postgres.Tests.Audit;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests;

/// <summary>The schema migrations on a real PostgreSQL: many sessions migrating one fresh database at once, the
/// complete schema with row-level security forced on every tenant table, re-runs, and the refusals (a database newer
/// than the build, a schema nobody migrated while start-up migration is off).</summary>
[Collection(PostgresTests.Name)]
public sealed partial class MigrationTests(PostgresServer server) : IAsyncLifetime
{
    private readonly List<PostgresDatabase> _databases = [];
    private string _connectionString = "";

    private static CancellationToken Ct => CancellationToken.None;

    private string Superuser => server.SuperuserConnectionString(RawSql.DatabaseOf(_connectionString));

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    private PostgresDatabase Open(bool migrateOnStart = true)
    {
        var database = new PostgresDatabase(
            new PostgresStoreOptions { ConnectionString = _connectionString, MigrateOnStart = migrateOnStart }, NullLogger<PostgresDatabase>.Instance);
        _databases.Add(database);
        return database;
    }

    [Fact]
    public async Task MigrateAsync_EightSessionsAtOnceOnAFreshDatabase_AllSucceedAndEachMigrationIsRecordedOnce()
    {
        var databases = Enumerable.Range(0, 8).Select(_ => Open()).ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Half run `verity migrate`, half start up as replicas would; all released at the same moment.
        var sessions = databases.Select((database, i) => Task.Run(async () =>
        {
            await start.Task;
            if (i % 2 == 0)
            {
                return await database.MigrateAsync(Ct);
            }

            await database.EnsureReadyAsync(Ct);
            return -1;
        })).ToList();
        start.SetResult();
        var applied = await Task.WhenAll(sessions);

        var recorded = await RawSql.RowsAsync(Superuser, "SELECT version, count(*) FROM verity_schema_migrations GROUP BY version ORDER BY version");
        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version), recorded.Select(row => (int)row[0]!));
        Assert.All(recorded, row => Assert.Equal(1L, row[1]));
        Assert.InRange(applied.Count(n => n > 0), 0, 1);
        Assert.All(applied, n => Assert.True(n is -1 or 0 || n == PostgresMigrator.Migrations.Count, $"a session applied {n} migrations"));
        await AssertSchemaCompleteAsync();
    }

    [Fact]
    public async Task MigrateAsync_AgainOnACurrentDatabase_IsANoOp()
    {
        Assert.Equal(PostgresMigrator.Migrations.Count, await Open().MigrateAsync(Ct));
        var before = await RawSql.RowsAsync(Superuser, "SELECT version, applied_at FROM verity_schema_migrations ORDER BY version");

        var again = await Task.WhenAll(Open().MigrateAsync(Ct), Open().MigrateAsync(Ct));
        await Open().EnsureReadyAsync(Ct);

        Assert.Equal([0, 0], again);
        var after = await RawSql.RowsAsync(Superuser, "SELECT version, applied_at FROM verity_schema_migrations ORDER BY version");
        Assert.Equal(before.Select(r => (r[0], r[1])), after.Select(r => (r[0], r[1])));
        await AssertSchemaCompleteAsync();
    }

    [Fact]
    public async Task MigrateAsync_DatabaseMissingTheAuditMigration_AppliesOnlyThatOne()
    {
        await Open().MigrateAsync(Ct);
        await RawSql.ExecuteAsync(_connectionString, """
            DROP TABLE audit_log, api_keys;
            DROP FUNCTION verity_audit_log_append_only();
            DELETE FROM verity_schema_migrations WHERE version = 3;
            """);

        var applied = await Open().MigrateAsync(Ct);

        Assert.Equal(1, applied);
        await AssertSchemaCompleteAsync();
    }

    [Fact]
    public async Task EnsureReadyAsync_DatabaseNewerThanTheBuild_IsRefusedWithAClearMessage()
    {
        await Open().MigrateAsync(Ct);
        var future = PostgresMigrator.LatestVersion + 1;
        await RawSql.ExecuteAsync(_connectionString, $"INSERT INTO verity_schema_migrations (version, name) VALUES ({future}, 'from_the_future')");

        var onStart = await Assert.ThrowsAsync<InvalidOperationException>(() => Open().EnsureReadyAsync(Ct));
        var onMigrate = await Assert.ThrowsAsync<InvalidOperationException>(() => Open().MigrateAsync(Ct));

        foreach (var error in new[] { onStart, onMigrate })
        {
            Assert.Contains($"version {future}", error.Message, StringComparison.Ordinal);
            Assert.Contains("newer than this build", error.Message, StringComparison.Ordinal);
            Assert.Contains("Upgrade Verity", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(PostgresMigrator.Migrations.Count + 1L, await RawSql.ScalarAsync<long>(Superuser, "SELECT count(*) FROM verity_schema_migrations"));
    }

    [Fact]
    public async Task EnsureReadyAsync_MigrateOnStartOffOnANewerDatabase_IsRefusedWithAClearMessage()
    {
        await Open().MigrateAsync(Ct);
        var future = PostgresMigrator.LatestVersion + 1;
        await RawSql.ExecuteAsync(_connectionString, $"INSERT INTO verity_schema_migrations (version, name) VALUES ({future}, 'from_the_future')");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Open(migrateOnStart: false).EnsureReadyAsync(Ct));

        Assert.Contains($"version {future}", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer than this build", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureReadyAsync_MigrateOnStartOffOnAnEmptyDatabase_FailsTellingToRunVerityMigrate()
    {
        var replica = Open(migrateOnStart: false);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => replica.EnsureReadyAsync(Ct));

        Assert.Contains("`verity migrate`", error.Message, StringComparison.Ordinal);
        Assert.Contains("version 0", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await RawSql.ScalarAsync<long>(Superuser, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));

        // Once someone runs the migration, the same replica starts.
        await Open().MigrateAsync(Ct);
        await replica.EnsureReadyAsync(Ct);
        await AssertSchemaCompleteAsync();
    }

    /// <summary>Every table a migration creates exists, and every table with a tenant_id column (whichever migration
    /// made it) has row-level security enabled and forced, with each permissive policy checking the tenant.</summary>
    private async Task AssertSchemaCompleteAsync()
    {
        var expected = PostgresMigrator.Migrations
            .SelectMany(m => CreateTable().Matches(m.Sql).Select(match => match.Groups["name"].Value.ToLowerInvariant()))
            .Append("verity_schema_migrations")
            .ToHashSet();
        Assert.Contains("audit_log", expected);
        Assert.Contains("api_keys", expected);
        var tables = (await RawSql.RowsAsync(Superuser, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            .Select(row => (string)row[0]!)
            .ToHashSet();
        Assert.Subset(tables, expected);

        var tenantTables = await RawSql.RowsAsync(Superuser, """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid AND p.polpermissive),
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid AND p.polpermissive
                        AND pg_get_expr(p.polqual, p.polrelid) LIKE '%verity_tenant_visible(tenant_id)%'
                        AND (p.polcmd NOT IN ('*', 'a', 'w')
                             OR coalesce(pg_get_expr(p.polwithcheck, p.polrelid), pg_get_expr(p.polqual, p.polrelid)) LIKE '%verity_tenant_visible(tenant_id)%'))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
            ORDER BY c.relname
            """);
        Assert.Contains(tenantTables, row => (string)row[0]! == "audit_log");
        Assert.Contains(tenantTables, row => (string)row[0]! == "api_keys");
        Assert.All(tenantTables, row =>
        {
            var name = (string)row[0]!;
            Assert.True((bool)row[1]!, $"row-level security is not enabled on {name}");
            Assert.True((bool)row[2]!, $"row-level security is not forced on {name}");
            Assert.True((long)row[3]! > 0, $"{name} has no permissive policy");
            Assert.True((long)row[3]! == (long)row[4]!, $"a permissive policy on {name} does not check verity_tenant_visible(tenant_id)");
        });
    }

    [GeneratedRegex(@"CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:public\.)?(?<name>[A-Za-z_][A-Za-z0-9_]*)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();
}
