using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Verity.Core.Security;

namespace Verity.Postgres;

/// <summary>
/// API keys in PostgreSQL (table <c>api_keys</c>), shared by every API replica, so a key created or revoked through
/// one replica holds on all of them at their next request. Only the SHA-256 of a key's secret is stored. Lookup by
/// id runs across tenants (it is how a request is authenticated, before its tenant is known); creating, listing and
/// revoking run in the tenant's scope. Times are kept to the microsecond.
/// </summary>
public sealed class PostgresApiKeyStore : IApiKeyStore
{
    private const string Columns = "id, tenant_id, name, groups, roles, created_at, created_by, last_used_at, revoked_at";

    private readonly PostgresDatabase _database;
    private readonly ILogger<PostgresApiKeyStore> _logger;

    /// <summary>Uses <paramref name="database"/> without owning it (the process disposes it once).</summary>
    public PostgresApiKeyStore(PostgresDatabase database, ILogger<PostgresApiKeyStore> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _logger = logger;
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

        // The primary key spans every tenant, so an id taken in another tenant is refused (unique violation), even
        // though that tenant's row is invisible in this scope.
        await _database.ExecuteAsync(DbScope.Tenant(record.TenantId), "store an API key", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO api_keys (id, tenant_id, name, groups, roles, secret_hash, created_at, created_by, last_used_at, revoked_at)
                VALUES (@id, @tenant, @name, @groups, @roles, @hash, @created, @by, @used, @revoked)
                """, connection);
            command.Parameters.AddWithValue("id", record.Id);
            command.Parameters.AddWithValue("tenant", record.TenantId);
            command.Parameters.AddWithValue("name", record.Name);
            command.Parameters.AddWithValue("groups", record.Groups.ToArray());
            command.Parameters.AddWithValue("roles", record.Roles.ToArray());
            command.Parameters.AddWithValue("hash", NpgsqlDbType.Bytea, secretHash);
            command.Parameters.AddWithValue("created", record.CreatedAt.UtcDateTime);
            command.Parameters.AddWithValue("by", record.CreatedBy);
            command.Parameters.AddWithValue("used", NpgsqlDbType.TimestampTz, (object?)record.LastUsedAt?.UtcDateTime ?? DBNull.Value);
            command.Parameters.AddWithValue("revoked", NpgsqlDbType.TimestampTz, (object?)record.RevokedAt?.UtcDateTime ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        Log.ApiKeyCreated(_logger, record.Id, record.Name, record.TenantId, record.CreatedBy);
    }

    public async Task<StoredApiKey?> FindByIdAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var found = await _database.ExecuteAsync(DbScope.System, "read an API key", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT {Columns}, secret_hash FROM api_keys WHERE id = @id", connection);
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new StoredApiKey(Read(reader), reader.GetFieldValue<byte[]>(9))
                : null;
        }, cancellationToken).ConfigureAwait(false);

        if (found is null)
        {
            Log.ApiKeyNotFound(_logger, id);
        }

        return found;
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        return _database.ExecuteAsync<IReadOnlyList<ApiKeyRecord>>(DbScope.Tenant(tenantId), "list API keys", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                $"SELECT {Columns} FROM api_keys WHERE tenant_id = @tenant ORDER BY created_at, id", connection);
            command.Parameters.AddWithValue("tenant", tenantId);
            var records = new List<ApiKeyRecord>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                records.Add(Read(reader));
            }

            return records;
        }, cancellationToken);
    }

    public async Task<bool> RevokeAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(id);
        var (exists, revokedNow) = await _database.ExecuteAsync(DbScope.Tenant(tenantId), "revoke an API key", async (connection, ct) =>
        {
            // Revoking twice keeps the first revocation time. When two replicas revoke at once, the second UPDATE
            // waits for the first, re-reads the row, finds it revoked and changes nothing; the existence check then
            // still answers true.
            await using var revoke = new NpgsqlCommand("""
                UPDATE api_keys SET revoked_at = @now
                WHERE tenant_id = @tenant AND id = @id AND revoked_at IS NULL
                """, connection);
            revoke.Parameters.AddWithValue("now", DateTime.UtcNow);
            revoke.Parameters.AddWithValue("tenant", tenantId);
            revoke.Parameters.AddWithValue("id", id);
            if (await revoke.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0)
            {
                return (true, true);
            }

            await using var exists = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM api_keys WHERE tenant_id = @tenant AND id = @id)", connection);
            exists.Parameters.AddWithValue("tenant", tenantId);
            exists.Parameters.AddWithValue("id", id);
            return ((bool)(await exists.ExecuteScalarAsync(ct).ConfigureAwait(false))!, false);
        }, cancellationToken).ConfigureAwait(false);

        if (revokedNow)
        {
            Log.ApiKeyRevoked(_logger, id, tenantId);
        }

        return exists;
    }

    private static ApiKeyRecord Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        TenantId = reader.GetString(1),
        Name = reader.GetString(2),
        Groups = reader.GetFieldValue<string[]>(3),
        Roles = reader.GetFieldValue<string[]>(4),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(5),
        CreatedBy = reader.GetString(6),
        LastUsedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
        RevokedAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
    };
}
