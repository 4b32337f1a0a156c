using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Verity.Postgres.Tests.Infrastructure;
using Verity.Storage.Conformance.Servers;

namespace Verity.Postgres.Tests;

[Collection(PgliteTests.Name)]
public sealed class PgliteSmokeTests(PgliteServer server)
{
    [Fact]
    public async Task EnsureReadyAsync_OnPglite_CreatesTheVectorExtension()
    {
        await server.ResetAsync();
        await using var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = server.ConnectionString }, NullLogger<PostgresDatabase>.Instance);
        await database.EnsureReadyAsync(CancellationToken.None);
        Assert.True(database.HasPgvector);
        var distance = await database.ExecuteAsync(DbScope.System, "probe", async (c, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT ($1::real[]::vector <=> $2::real[]::vector)::float8", c);
            command.Parameters.AddWithValue(new float[] { 1, 0 });
            command.Parameters.AddWithValue(new float[] { 0, 1 });
            return (double)(await command.ExecuteScalarAsync(ct))!;
        }, CancellationToken.None);
        Assert.Equal(1.0, distance, 6);
    }
}

[Collection(PostgresTests.Name)]
public sealed class PostgresSmokeTests(PostgresServer server)
{
    [Fact]
    public async Task EnsureReadyAsync_OnPostgresWithoutPgvector_FallsBackAndScopesTheTransaction()
    {
        await using var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = await server.CreateDatabaseAsync() }, NullLogger<PostgresDatabase>.Instance);
        await database.EnsureReadyAsync(CancellationToken.None);
        Assert.False(database.HasPgvector);
        var tenant = await database.ExecuteAsync(DbScope.Tenant("t1"), "probe", async (c, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT current_setting('verity.tenant_id') || '/' || verity_tenant_visible('t1')::text || verity_tenant_visible('t2')::text", c);
            return (string)(await command.ExecuteScalarAsync(ct))!;
        }, CancellationToken.None);
        Assert.Equal("t1/truefalse", tenant);
    }
}
