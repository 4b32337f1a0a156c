using Microsoft.Extensions.Logging;
using Npgsql;
using Verity.Core;

namespace Verity.Postgres;

/// <summary>
/// What every PostgreSQL component of one process shares: the connection pool, the schema (migrated once) and the
/// one way to run work, <see cref="ExecuteAsync{T}"/>: a transaction that carries its <see cref="DbScope"/> for the
/// row-level security policies, retried as a whole when PostgreSQL reports a transient failure.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _readyGate = new(1, 1);
    private volatile bool _ready;

    public PostgresDatabase(PostgresStoreOptions options, ILogger<PostgresDatabase> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("A PostgreSQL connection string is required (Verity:Postgres:ConnectionString or --store).", nameof(options));
        }

        Options = options;
        _logger = logger;
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (!builder.ContainsKey("Command Timeout"))
        {
            builder.CommandTimeout = Math.Max(1, (int)Math.Ceiling(options.CommandTimeout.TotalSeconds));
        }

        builder.ApplicationName ??= "verity";
        DataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public PostgresStoreOptions Options { get; }

    /// <summary>The pool. Work goes through <see cref="ExecuteAsync{T}"/>; this is for what must run outside a
    /// transaction (the migration, health probes).</summary>
    internal NpgsqlDataSource DataSource { get; }

    /// <summary>Whether the vector extension exists in the database (known after <see cref="EnsureReadyAsync"/>).</summary>
    public bool HasPgvector { get; private set; }

    /// <summary>Creates or migrates the schema once per process (or, with <see cref="PostgresStoreOptions.MigrateOnStart"/>
    /// off, checks that someone did), and learns whether pgvector is there.</summary>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _readyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_ready)
            {
                return;
            }

            if (Options.MigrateOnStart)
            {
                await MigrateAsync(cancellationToken).ConfigureAwait(false);
            }

            var (version, hasPgvector, bypassingRole) = await RunAsync("read the schema version and extensions", () => ReadCapabilitiesAsync(cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            if (version > PostgresMigrator.LatestVersion)
            {
                throw new InvalidOperationException(PostgresMigrator.NewerSchemaMessage(version));
            }

            if (version < PostgresMigrator.LatestVersion)
            {
                throw new InvalidOperationException(
                    $"The PostgreSQL schema is at version {version}; this build needs {PostgresMigrator.LatestVersion}. Run `verity migrate` (or enable Verity:Postgres:MigrateOnStart).");
            }

            HasPgvector = hasPgvector;
            if (bypassingRole is not null)
            {
                Log.RoleBypassesRls(_logger, bypassingRole);
            }

            if (!HasPgvector && Options.VectorSearch == PostgresVectorSearch.Auto)
            {
                Log.PgvectorMissing(_logger, "extension not installed, and the application role may not create it");
            }

            _ready = true;
        }
        finally
        {
            _readyGate.Release();
        }
    }

    /// <summary>Applies pending migrations now (the <c>verity migrate</c> command); returns how many ran.</summary>
    public Task<int> MigrateAsync(CancellationToken cancellationToken) =>
        RunAsync("migrate the schema", async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await PostgresMigrator.MigrateAsync(connection, Options.VectorSearch, _logger, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="body"/> in a transaction whose scope is <paramref name="scope"/>, committing when it
    /// returns. A transient failure (connection loss, serialization failure, deadlock, server restart) rolls the
    /// transaction back and runs the body again, up to <see cref="PostgresStoreOptions.MaxRetries"/> times, so the
    /// body must be safe to repeat. Other database failures become a <see cref="StoreUnavailableException"/>;
    /// exceptions the body throws itself pass through unchanged.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(
        DbScope scope, string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await RunAsync(operation, async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ApplyScopeAsync(connection, scope, cancellationToken).ConfigureAwait(false);
            var result = await body(connection, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task ExecuteAsync(
        DbScope scope, string operation, Func<NpgsqlConnection, CancellationToken, Task> body, CancellationToken cancellationToken) =>
        ExecuteAsync(scope, operation, async (connection, ct) =>
        {
            await body(connection, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>A round trip that proves the database answers.</summary>
    public async Task CheckHealthAsync(CancellationToken cancellationToken)
    {
        await RunAsync("check health", async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ApplyScopeAsync(NpgsqlConnection connection, DbScope scope, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT set_config('verity.tenant_id', $1, true), set_config('verity.all_tenants', $2, true), set_config('verity.principals', $3, true)",
            connection);
        command.Parameters.AddWithValue(scope.TenantId ?? "");
        command.Parameters.AddWithValue(scope.AllTenants ? "on" : "off");
        command.Parameters.AddWithValue(scope.PrincipalsSetting);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The schema version, whether pgvector is installed, and the role's name when it bypasses RLS.</summary>
    private async Task<(int Version, bool HasPgvector, string? BypassingRole)> ReadCapabilitiesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var version = await PostgresMigrator.CurrentVersionAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector'), (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user), current_user::text",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (version, reader.GetBoolean(0), reader.GetBoolean(1) ? reader.GetString(2) : null);
    }

    private async Task<T> RunAsync<T>(string operation, Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        var attempts = Options.MaxRetries + 1;
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (e.IsTransient && i < attempts && !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff(i);
                Log.TransientRetry(_logger, operation, SqlState(e), i, attempts, (long)delay.TotalMilliseconds, e);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
            {
                Log.StoreError(_logger, operation, SqlState(e), e);
                throw new StoreUnavailableException($"The database could not {operation}.", e.IsTransient, e);
            }
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var baseDelay = Options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(baseDelay * (0.5 + Random.Shared.NextDouble()));
    }

    private static string SqlState(NpgsqlException e) => e is PostgresException p ? p.SqlState : "connection";

    public void Dispose()
    {
        DataSource.Dispose();
        _readyGate.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        _readyGate.Dispose();
    }
}
