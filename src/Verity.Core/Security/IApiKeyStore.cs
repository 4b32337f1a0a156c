namespace Verity.Core.Security;

/// <summary>
/// A service account's API key as stored: who it acts as (tenant, groups, roles) and its lifecycle. The secret
/// itself is never stored; the store keeps only its SHA-256 (see <see cref="ApiKeys"/>).
/// </summary>
public sealed record ApiKeyRecord
{
    /// <summary>The public part of the key (<c>vk_&lt;id&gt;_…</c>); unique across all tenants.</summary>
    public required string Id { get; init; }

    public required string TenantId { get; init; }

    /// <summary>A label chosen by the admin who created the key (e.g. the service that uses it).</summary>
    public required string Name { get; init; }

    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>A subset of <see cref="VerityRoles"/>.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The user id of the admin who created the key.</summary>
    public required string CreatedBy { get; init; }

    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>When the key was revoked; a revoked key never authenticates again.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsRevoked => RevokedAt is not null;

    /// <summary>The user id requests made with this key carry (audit, rate limits, ACL <c>user:</c> principals).</summary>
    public string UserId => ApiKeys.UserIdOf(Id);
}

/// <summary>A key as found by id: its record and the stored SHA-256 of its secret.</summary>
public sealed record StoredApiKey(ApiKeyRecord Record, byte[] SecretHash);

/// <summary>Where API keys live. Listing and revoking are scoped to one tenant; lookup by id is global (the id is
/// all an incoming request names, and the caller's tenant is only known once the key is verified).</summary>
public interface IApiKeyStore
{
    /// <summary>Stores a new key; <paramref name="secretHash"/> is <see cref="ApiKeys.HashSecret"/> of its secret.</summary>
    Task CreateAsync(ApiKeyRecord record, byte[] secretHash, CancellationToken cancellationToken);

    /// <summary>The key with this id in any tenant (revoked ones included), or null.</summary>
    Task<StoredApiKey?> FindByIdAsync(string id, CancellationToken cancellationToken);

    /// <summary>The tenant's keys (revoked ones included), oldest first, without their hashes.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Revokes the tenant's key <paramref name="id"/> (a no-op when already revoked); false when the tenant
    /// has no such key.</summary>
    Task<bool> RevokeAsync(string tenantId, string id, CancellationToken cancellationToken);
}
