using Verity.Core.Security;

namespace Verity.Server.Contracts;

public sealed record CreateApiKeyRequestBody(string? Name, IReadOnlyList<string>? Groups, IReadOnlyList<string>? Roles);

/// <summary>The new key, with its secret: <see cref="Key"/> is returned this once and cannot be retrieved again.</summary>
public sealed record ApiKeyCreatedResponse(
    string Id, string Key, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, DateTimeOffset CreatedAt);

/// <summary>A key as listed: never its secret or hash.</summary>
public sealed record ApiKeyDto(
    string Id,
    string Name,
    string User,
    IReadOnlyList<string> Groups,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public static ApiKeyDto From(ApiKeyRecord r) =>
        new(r.Id, r.Name, r.UserId, r.Groups, r.Roles, r.CreatedAt, r.CreatedBy, r.LastUsedAt, r.RevokedAt);
}

public sealed record ApiKeyListResponse(IReadOnlyList<ApiKeyDto> Keys);
