using System.Text.Json;
using Npgsql;
using Verity.Storage.Conformance.Servers;

namespace Verity.Server.Tests.ScaleOut;

/// <summary><c>verity migrate</c> as a deploy step: several at once against one fresh database (as when many
/// replicas roll out together) all succeed and apply each migration exactly once between them.</summary>
[Collection(ScaleOutTests.Name)]
public sealed class MigrateCommandTests(PostgresServer server)
{
    [Fact]
    public async Task Migrate_FourProcessesAtOnceOnAFreshDatabase_AllSucceedAndEachMigrationIsAppliedOnce()
    {
        var store = await server.CreateDatabaseAsync();

        var runs = await Task.WhenAll(Enumerable.Range(1, 4).Select(i =>
            VerityInstance.RunAsync($"migrate-{i}", null, "migrate", "--store", store, "--json")));

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Output));
        var reports = runs.Select(r => JsonDocument.Parse(r.Output[r.Output.IndexOf('{', StringComparison.Ordinal)..]).RootElement).ToList();
        var recorded = await RecordedVersionsAsync(store);
        Assert.NotEmpty(recorded);
        Assert.Equal(recorded.Count, recorded.Distinct().Count());
        // Each migration ran in exactly one of the four processes: the others waited on the lock and found it done.
        Assert.Equal(recorded.Count, reports.Sum(r => r.GetProperty("applied").GetInt32()));
        Assert.Single(reports, r => r.GetProperty("applied").GetInt32() > 0);
        Assert.All(reports, r =>
        {
            Assert.Equal(recorded.Max(), r.GetProperty("version").GetInt32());
            Assert.Equal(recorded, r.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("version").GetInt32()));
            Assert.DoesNotContain("Password", r.GetProperty("store").GetString()!, StringComparison.Ordinal);
        });

        var again = await VerityInstance.RunAsync("migrate-again", null, "migrate", "--store", store);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("already up to date", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_ConnectionStringWithPassword_NeverPrintsThePassword()
    {
        const string secret = "Sw0rdfish-9f27";
        var store = await server.CreateDatabaseAsync() + $";Password={secret}";

        var run = await VerityInstance.RunAsync("migrate-secret", null, "migrate", "--store", "postgres:" + store);
        var failed = await VerityInstance.RunAsync(
            "migrate-unreachable", null, "migrate", "--store", $"Host=127.0.0.1;Port={ExternalProcess.FreePort()};Database=x;Username=y;Password={secret};Timeout=1");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Password=***", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, run.Output, StringComparison.Ordinal);
        Assert.Equal(2, failed.ExitCode);
        Assert.Contains("could not", failed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, failed.Output, StringComparison.Ordinal);
    }

    private async Task<List<int>> RecordedVersionsAsync(string store)
    {
        var database = new NpgsqlConnectionStringBuilder(store).Database!;
        await using var connection = new NpgsqlConnection(server.SuperuserConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version FROM verity_schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var versions = new List<int>();
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }
}
