using Npgsql;

namespace Verity.Server.Infrastructure;

public enum StoreKind
{
    /// <summary>The embedded shape: one SQLite file, one process serving and ingesting.</summary>
    Sqlite,

    /// <summary>The scale-out shape: one PostgreSQL database shared by API replicas and workers.</summary>
    Postgres,
}

/// <summary>
/// Where the index, queue, audit log and API keys live, as given by <c>--store</c> or <c>Verity:Store</c>:
/// <c>sqlite:PATH</c>, <c>postgres:&lt;connection string&gt;</c>, <c>postgres://user:password@host:port/database</c>,
/// a bare Npgsql connection string (<c>Host=...;Database=...</c>), or <c>postgres</c> alone (the connection string
/// is then <c>Verity:Postgres:ConnectionString</c>, e.g. from a secret).
/// </summary>
public sealed record StoreLocation
{
    private StoreLocation(StoreKind kind, string? sqlitePath, string? connectionString)
    {
        Kind = kind;
        SqlitePath = sqlitePath;
        ConnectionString = connectionString;
    }

    public StoreKind Kind { get; }

    /// <summary>Full path of the SQLite file (SQLite only).</summary>
    public string? SqlitePath { get; }

    /// <summary>The Npgsql connection string given with the location; null when it comes from
    /// <c>Verity:Postgres:ConnectionString</c> (PostgreSQL only). Never print it: see <see cref="ToString"/>.</summary>
    public string? ConnectionString { get; }

    public static StoreLocation Sqlite(string path) => new(StoreKind.Sqlite, Path.GetFullPath(path), null);

    public static StoreLocation Postgres(string? connectionString) =>
        new(StoreKind.Postgres, null, string.IsNullOrWhiteSpace(connectionString) ? null : connectionString);

    /// <summary>Reads a store specification; null or empty means the SQLite file of <paramref name="dataDirectory"/>.</summary>
    public static StoreLocation Parse(string? specification, string dataDirectory)
    {
        var spec = specification?.Trim() ?? "";
        var defaultFile = Path.Combine(dataDirectory, DataDirectory.DatabaseFileName);
        if (spec.Length == 0 || spec.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return Sqlite(defaultFile);
        }

        if (StripPrefix(spec, "sqlite:") is { } file)
        {
            // A folder (existing, or written with a trailing separator) holds the usual file name.
            return file.Length == 0 ? Sqlite(defaultFile)
                : Directory.Exists(file) || file.EndsWith('/') || file.EndsWith(Path.DirectorySeparatorChar) ? Sqlite(Path.Combine(file, DataDirectory.DatabaseFileName))
                : Sqlite(file);
        }

        if (spec.Equals("postgres", StringComparison.OrdinalIgnoreCase) || spec.Equals("postgresql", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres(null);
        }

        if (spec.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || spec.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres(PostgresUrl.ToConnectionString(spec));
        }

        if ((StripPrefix(spec, "postgres:") ?? StripPrefix(spec, "postgresql:")) is { } connectionString)
        {
            return Postgres(Validated(connectionString));
        }

        if (spec.Contains('=', StringComparison.Ordinal))
        {
            return Postgres(Validated(spec));
        }

        // The specification is not echoed: a mistyped one may still hold a password.
        throw new InvalidOperationException(
            "The store is not recognised. Use sqlite:PATH, postgres:<Npgsql connection string> (e.g. \"postgres:Host=db;Database=verity;Username=verity\"), " +
            "postgres://user@host/database, or a bare connection string \"Host=...;Database=...\".");
    }

    /// <summary>The location with every secret masked: safe for logs and the console.</summary>
    public override string ToString() => Kind == StoreKind.Sqlite
        ? "sqlite:" + SqlitePath
        : "postgres:" + (ConnectionString is null ? "(Verity:Postgres:ConnectionString)" : Mask(ConnectionString));

    /// <summary><paramref name="connectionString"/> with its passwords replaced by <c>***</c>.</summary>
    public static string Mask(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                builder.Password = "***";
            }

            if (!string.IsNullOrEmpty(builder.SslPassword))
            {
                builder.SslPassword = "***";
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(an unreadable connection string)";
        }
    }

    private static string Validated(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return connectionString;
        }
        catch (ArgumentException e)
        {
            // Npgsql names the offending keyword, never its value.
            throw new InvalidOperationException($"The PostgreSQL connection string is not valid: {e.Message}", e);
        }
    }

    private static string? StripPrefix(string value, string prefix) =>
        value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? value[prefix.Length..].Trim() : null;
}
