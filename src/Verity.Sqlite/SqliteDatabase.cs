using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Verity.Sqlite;

/// <summary>What the components that share one database file (index, job store) share about it: the connection
/// string, the write gate and the schema.</summary>
internal sealed class SqliteDatabase
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public SqliteDatabase(SqliteStoreOptions options)
    {
        Path = System.IO.Path.GetFullPath(options.Path);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            // 0 would mean "wait forever": a sub-second timeout still gives up.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
        WriteGate = Gates.GetOrAdd(Path, _ => new SemaphoreSlim(1, 1));
    }

    public string Path { get; }

    public string ConnectionString { get; }

    /// <summary>Writers of this process to this file take turns here. SQLite admits one writer at a time anyway,
    /// but a writer that finds the lock taken polls for it with sleeps; waiting here hands it over at once.</summary>
    public SemaphoreSlim WriteGate { get; }

    /// <summary>An open connection; <see cref="SqliteException"/> is left to the caller to translate.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await Sql.ExecuteAsync(connection, "PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates the folder and the file when missing, turns on WAL and returns a connection ready for
    /// <see cref="Schema.EnsureAsync"/>.</summary>
    public async Task<SqliteConnection> OpenForInitializationAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Sql.ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public void ClearPool() => SqliteConnection.ClearPool(new SqliteConnection(ConnectionString));
}

/// <summary>Small statement helpers and the one timestamp format every table uses.</summary>
internal static class Sql
{
    public static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<T?> ScalarAsync<T>(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>ISO 8601 UTC with seven fractional digits: fixed width, so text order is time order.</summary>
    public static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static object Nullable(object? value) => value ?? DBNull.Value;
}
