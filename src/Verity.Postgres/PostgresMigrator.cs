using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Verity.Postgres;

/// <summary>
/// Applies the embedded <c>Migrations/NNN_name.sql</c> scripts in order, each recorded in
/// <c>verity_schema_migrations</c>. All pending scripts run in one transaction that first takes a transaction-level
/// advisory lock, so any number of replicas can start (or run <c>verity migrate</c>) at once: one applies the
/// scripts, the others wait for it and then find nothing to do.
/// </summary>
internal static class PostgresMigrator
{
    /// <summary>The advisory lock key every Verity migration takes ("verity" in ASCII, then 1).</summary>
    internal const long LockKey = 0x7665726974790001;

    private const string ResourcePrefix = "Verity.Postgres.Migrations.";

    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>Brings the schema up to date and tries to create the vector extension (unless
    /// <paramref name="mode"/> is <see cref="PostgresVectorSearch.Exact"/>). Returns how many scripts ran.</summary>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, PostgresVectorSearch mode, ILogger logger, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS verity_schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken).ConfigureAwait(false);

        if (mode != PostgresVectorSearch.Exact)
        {
            // Creating an extension needs privileges the application role may not have: try inside a savepoint so
            // a refusal leaves the rest of the migration intact.
            await transaction.SaveAsync("vector_extension", cancellationToken).ConfigureAwait(false);
            try
            {
                await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS vector", cancellationToken).ConfigureAwait(false);
                await transaction.ReleaseAsync("vector_extension", cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                await transaction.RollbackAsync("vector_extension", cancellationToken).ConfigureAwait(false);
                if (mode == PostgresVectorSearch.PgVector)
                {
                    throw new InvalidOperationException(
                        $"The pgvector extension could not be created ({e.MessageText}). Install pgvector on the server and run CREATE EXTENSION vector as a superuser, or set Verity:Postgres:VectorSearch to Auto or Exact.", e);
                }
            }
        }

        var applied = new HashSet<int>();
        await using (var command = new NpgsqlCommand("SELECT version FROM verity_schema_migrations", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        if (applied.Count > 0 && applied.Max() > LatestVersion)
        {
            throw new InvalidOperationException(NewerSchemaMessage(applied.Max()));
        }

        var count = 0;
        foreach (var migration in Migrations.Where(m => !applied.Contains(m.Version)))
        {
            await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand("INSERT INTO verity_schema_migrations (version, name) VALUES ($1, $2)", connection);
            record.Parameters.AddWithValue(migration.Version);
            record.Parameters.AddWithValue(migration.Name);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            count++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (count > 0)
        {
            Log.SchemaMigrated(logger, LatestVersion, count);
        }

        return count;
    }

    /// <summary>The highest applied migration, or 0 when the schema was never created.</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Two statements: PostgreSQL resolves every table a statement names before running it, whatever a CASE says.
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('verity_schema_migrations') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return 0;
            }
        }

        await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM verity_schema_migrations", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    internal static string NewerSchemaMessage(int version) =>
        $"The database schema is at version {version}, newer than this build of Verity knows ({LatestVersion}). Upgrade Verity.";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => Parse(assembly, n))
            .OrderBy(m => m.Version)
            .ToList();
        if (migrations.Count == 0 || migrations.Select(m => m.Version).Distinct().Count() != migrations.Count)
        {
            throw new InvalidOperationException("The embedded PostgreSQL migrations are missing or two share a version number.");
        }

        return migrations;
    }

    private static Migration Parse(Assembly assembly, string resource)
    {
        var file = resource[ResourcePrefix.Length..^".sql".Length];
        var separator = file.IndexOf('_', StringComparison.Ordinal);
        var version = int.Parse(file.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture);
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return new Migration(version, file[(separator + 1)..], reader.ReadToEnd());
    }

    internal sealed record Migration(int Version, string Name, string Sql);
}
