using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Verity.Core;
using Verity.Core.Security;

namespace Verity.Sqlite;

/// <summary>
/// API keys in the index's SQLite file (table <c>api_keys</c>, created with the rest of the schema by
/// <see cref="SqliteIndexStore.InitializeAsync"/>). Each operation is one autocommit statement on a connection of its
/// own, independent of the store's write lock. Only the SHA-256 of a key's secret is stored.
/// </summary>
public sealed class SqliteApiKeyStore : IApiKeyStore, IDisposable
{
    private const string Columns = "id, tenant_id, name, groups, roles, created_at, created_by, last_used_at, revoked_at";

    private readonly ILogger<SqliteApiKeyStore> _logger;
    private readonly string _connectionString;

    public SqliteApiKeyStore(SqliteStoreOptions options, ILogger<SqliteApiKeyStore> logger)
    {
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.GetFullPath(options.Path),
            // The store creates the file and the schema; the key store never creates an empty database.
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)options.BusyTimeout.TotalSeconds,
        }.ToString();
    }

    public async Task CreateAsync(ApiKeyRecord record, byte[] secretHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(secretHash);
        ArgumentException.ThrowIfNullOrEmpty(record.Id);
        ArgumentException.ThrowIfNullOrEmpty(record.TenantId);
        ArgumentException.ThrowIfNullOrEmpty(record.Name);
        ArgumentException.ThrowIfNullOrEmpty(record.CreatedBy);
        if (secretHash.Length != 32)
        {
            throw new ArgumentException("The secret hash must be a SHA-256 (32 bytes).", nameof(secretHash));
        }

        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO api_keys(id, tenant_id, name, groups, roles, secret_hash, created_at, created_by, last_used_at, revoked_at)
                VALUES ($id, $tenant, $name, $groups, $roles, $hash, $created, $by, $used, $revoked)
                """;
            command.Parameters.AddWithValue("$id", record.Id);
            command.Parameters.AddWithValue("$tenant", record.TenantId);
            command.Parameters.AddWithValue("$name", record.Name);
            command.Parameters.AddWithValue("$groups", JsonSerializer.Serialize(record.Groups));
            command.Parameters.AddWithValue("$roles", JsonSerializer.Serialize(record.Roles));
            command.Parameters.Add("$hash", SqliteType.Blob).Value = secretHash;
            command.Parameters.AddWithValue("$created", Timestamp(record.CreatedAt));
            command.Parameters.AddWithValue("$by", record.CreatedBy);
            command.Parameters.AddWithValue("$used", record.LastUsedAt is { } used ? Timestamp(used) : DBNull.Value);
            command.Parameters.AddWithValue("$revoked", record.RevokedAt is { } revoked ? Timestamp(revoked) : DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Translate(e, "store an API key");
        }
    }

    public async Task<StoredApiKey?> FindByIdAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns}, secret_hash FROM api_keys WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredApiKey(Read(reader), (byte[])reader.GetValue(9))
                : null;
        }
        catch (SqliteException e)
        {
            throw Translate(e, "read an API key");
        }
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM api_keys WHERE tenant_id = $tenant ORDER BY created_at, id";
            command.Parameters.AddWithValue("$tenant", tenantId);
            var records = new List<ApiKeyRecord>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(Read(reader));
            }

            return records;
        }
        catch (SqliteException e)
        {
            throw Translate(e, "list API keys");
        }
    }

    public async Task<bool> RevokeAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(id);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            // Revoking twice keeps the first revocation time.
            command.CommandText = """
                UPDATE api_keys SET revoked_at = coalesce(revoked_at, $now)
                WHERE tenant_id = $tenant AND id = $id
                """;
            command.Parameters.AddWithValue("$now", Timestamp(DateTimeOffset.UtcNow));
            command.Parameters.AddWithValue("$tenant", tenantId);
            command.Parameters.AddWithValue("$id", id);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (SqliteException e)
        {
            throw Translate(e, "revoke an API key");
        }
    }

    public void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(_connectionString));

    private static ApiKeyRecord Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetString(0),
        TenantId = reader.GetString(1),
        Name = reader.GetString(2),
        Groups = JsonSerializer.Deserialize<string[]>(reader.GetString(3)) ?? [],
        Roles = JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [],
        CreatedAt = Parse(reader.GetString(5)),
        CreatedBy = reader.GetString(6),
        LastUsedAt = reader.IsDBNull(7) ? null : Parse(reader.GetString(7)),
        RevokedAt = reader.IsDBNull(8) ? null : Parse(reader.GetString(8)),
    };

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private StoreUnavailableException Translate(SqliteException e, string operation)
    {
        Log.StoreError(_logger, operation, e.SqliteErrorCode, e);
        return new StoreUnavailableException($"The index store could not {operation}.", e.SqliteErrorCode is 5 or 6, e);
    }

    // ISO 8601 in UTC with seven fractional digits: fixed width, so text order is time order.
    private static string Timestamp(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
