using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Core;
using Verity.Core.Jobs;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests.Jobs;

/// <summary>Row-level security on the job tables: the second wall between tenants holds even for a query that
/// forgets its own tenant predicate, and a session that set no scope sees nothing at all.</summary>
[Collection(PostgresTests.Name)]
public sealed class JobTableSecurityTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly string[] Tables = ["ingest_jobs", "ingest_job_items", "connector_checkpoints"];

    private string _connectionString = "";
    private PostgresDatabase _database = null!;
    private PostgresIngestJobStore _store = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        _connectionString = await server.CreateDatabaseAsync();
        _database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = _connectionString }, NullLogger<PostgresDatabase>.Instance);
        _store = new PostgresIngestJobStore(_database, NullLogger<PostgresIngestJobStore>.Instance);
        foreach (var tenant in new[] { "a", "b", "b" })
        {
            await _store.CreateJobAsync(
                new NewIngestJob { TenantId = tenant, Kind = "folder", Source = "fs:/srv/" + tenant },
                [new NewJobItem { DocumentId = "one.md" }, new NewJobItem { DocumentId = "two.md" }],
                new ConnectorCheckpoint(tenant, "fs:/srv/" + tenant, "cursor", DateTimeOffset.UtcNow),
                Ct);
        }
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Theory]
    [InlineData("ingest_jobs", 1)]
    [InlineData("ingest_job_items", 2)]
    [InlineData("connector_checkpoints", 1)]
    public async Task UnfilteredSelect_InTenantScope_ReturnsOnlyThatTenantsRows(string table, int rowsOfA)
    {
        var tenants = await TenantsAsync(DbScope.Tenant("a"), table);
        var everyone = await TenantsAsync(DbScope.System, table);

        Assert.Equal(Enumerable.Repeat("a", rowsOfA), tenants);
        Assert.Equal(["a", "b"], everyone.Distinct().Order());
        Assert.True(everyone.Count > tenants.Count, $"{table}: the system scope sees {everyone.Count} rows");
    }

    [Fact]
    public async Task UnfilteredSelect_SessionWithoutScope_ReturnsNothing()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        foreach (var table in Tables)
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }

        // The rows are there: the superuser, which row-level security does not restrict, counts them.
        await using var superuser = new NpgsqlConnection(server.SuperuserConnectionString(new NpgsqlConnectionStringBuilder(_connectionString).Database!));
        await superuser.OpenAsync();
        await using var all = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM ingest_jobs) + (SELECT count(*) FROM ingest_job_items) + (SELECT count(*) FROM connector_checkpoints)",
            superuser);
        Assert.Equal(3L + 6 + 2, await all.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Write_ForAnotherTenantInTenantScope_IsRefusedByThePolicy()
    {
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => _database.ExecuteAsync(DbScope.Tenant("a"), "write across tenants", async (c, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO connector_checkpoints (tenant_id, connector_id, cursor, updated_at) VALUES ('b', 'sneaky', 'x', now())", c);
            await command.ExecuteNonQueryAsync(ct);
        }, Ct));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, Assert.IsType<PostgresException>(error.InnerException).SqlState);
        var updated = await _database.ExecuteAsync(DbScope.Tenant("a"), "update across tenants", async (c, ct) =>
        {
            await using var command = new NpgsqlCommand("UPDATE ingest_job_items SET state = 'cancelled' WHERE tenant_id = 'b'", c);
            return await command.ExecuteNonQueryAsync(ct);
        }, Ct);
        Assert.Equal(0, updated);
        Assert.Equal(4, await _store.CountQueuedItemsAsync("b", Ct));
    }

    private Task<List<string>> TenantsAsync(DbScope scope, string table) =>
        _database.ExecuteAsync(scope, "read unfiltered", async (c, ct) =>
        {
            // Deliberately no tenant predicate: only the policy stands between the tenants here.
            await using var command = new NpgsqlCommand($"SELECT * FROM {table}", c);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var tenants = new List<string>();
            while (await reader.ReadAsync(ct))
            {
                tenants.Add(reader.GetString(reader.GetOrdinal("tenant_id")));
            }

            return tenants;
        }, Ct);
}
