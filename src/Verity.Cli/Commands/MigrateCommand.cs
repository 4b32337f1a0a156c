using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Spectre.Console;
using Verity.Postgres;
using Verity.Server.Infrastructure;

namespace Verity.Cli.Commands;

/// <summary><c>verity migrate</c>: brings the store's schema up to date and exits. Any number of these (and of
/// starting replicas) can run at once against one PostgreSQL database: the migrations run under an advisory lock,
/// each recorded once.</summary>
internal static class MigrateCommand
{
    internal sealed record AppliedMigration(int Version, string Name, DateTimeOffset AppliedAt);

    internal sealed record MigrateReport(string Store, int Applied, int Version, string VectorSearch, IReadOnlyList<AppliedMigration> Migrations);

    public static Command Create()
    {
        var json = CliOptions.Json();
        var command = new Command(
            "migrate",
            "Create or migrate the store's schema and exit, printing the versions applied (PostgreSQL; with " +
            "Verity:Postgres:MigrateOnStart=false the replicas and workers leave this to a deploy step).")
        {
            json,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var configuration = CliHost.ConfigurationFor(parse);
            var location = StoreSelection.Resolve(configuration);
            if (location.Kind == StoreKind.Sqlite)
            {
                // The SQLite file migrates itself when opened; opening it is the migration.
                await using var sqlite = await CliHost.StartAsync(parse, ct);
                Print(parse.GetValue(json), new MigrateReport(location.ToString(), 0, 0, "exact (in-process)", []),
                    "SQLite migrates the file when it is opened; it is up to date.");
                return 0;
            }

            var services = new ServiceCollection();
            CliHost.AddLogging(services, configuration);
            services.AddVerityStore(location, configuration);
            await using var provider = services.BuildServiceProvider();
            var database = provider.GetRequiredService<PostgresDatabase>();
            var applied = await database.MigrateAsync(ct);
            var migrations = await database.ExecuteAsync(DbScope.System, "read the schema versions", ReadMigrationsAsync, ct);
            var vectors = database.HasPgvector && database.Options.VectorSearch != PostgresVectorSearch.Exact
                ? "pgvector (HNSW)"
                : "exact (real[] scan; pgvector not installed or not chosen)";
            Print(parse.GetValue(json), new MigrateReport(location.ToString(), applied, migrations.Count == 0 ? 0 : migrations[^1].Version, vectors, migrations),
                applied == 0 ? "The schema was already up to date." : $"Applied {applied} migration(s).");
            return 0;
        }));
        return command;
    }

    private static async Task<IReadOnlyList<AppliedMigration>> ReadMigrationsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version, name, applied_at FROM verity_schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var migrations = new List<AppliedMigration>();
        while (await reader.ReadAsync(cancellationToken))
        {
            migrations.Add(new AppliedMigration(reader.GetInt32(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return migrations;
    }

    private static void Print(bool json, MigrateReport report, string outcome)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, ServerSetup.ConfigureJson(new JsonSerializerOptions { WriteIndented = true })));
            return;
        }

        // Plain lines: a long connection string must not be wrapped in the middle of a word by the console.
        Console.WriteLine($"{report.Store}: {outcome}");
        if (report.Migrations.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("version").AddColumn("migration").AddColumn("applied at");
            foreach (var migration in report.Migrations)
            {
                table.AddRow(migration.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(migration.Name), migration.AppliedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            Console.WriteLine($"Schema version {report.Version}; vector search: {report.VectorSearch}.");
        }
    }
}
