using System.Security.Cryptography;
using System.Text;

namespace Verity.Core.Security;

/// <summary>Who is asking: a user (or service account) of one tenant, with the groups and roles that decide which
/// documents they may read and what they may do.</summary>
public sealed record CallerIdentity
{
    public required string UserId { get; init; }
    public required string TenantId { get; init; }
    public IReadOnlySet<string> Groups { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    public IReadOnlySet<string> Roles { get; init; } = new HashSet<string>(StringComparer.Ordinal);
    public bool IsAnonymous { get; init; }

    /// <summary>The principals a document ACL is matched against: <c>user:…</c>, <c>group:…</c>, <c>role:…</c>.</summary>
    public IReadOnlyList<string> Principals =>
    [
        DocumentAcl.UserPrincipal(UserId),
        .. Groups.Order(StringComparer.Ordinal).Select(DocumentAcl.GroupPrincipal),
        .. Roles.Order(StringComparer.Ordinal).Select(DocumentAcl.RolePrincipal),
    ];

    /// <summary>A stable hash of tenant and principals: two callers with the same fingerprint may read exactly the
    /// same documents (what an answer cache must key on).</summary>
    public string PermissionFingerprint =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TenantId + "\n" + string.Join('\n', Principals))))[..32];

    public bool HasRole(string role) => Roles.Contains(role);

    /// <summary>The identity every request has when the server runs without authentication (<c>--anonymous</c>,
    /// <c>verity demo</c>): the default tenant, reader and editor, and only public documents.</summary>
    public static CallerIdentity Anonymous { get; } = new()
    {
        UserId = "anonymous",
        TenantId = Model.Tenants.Default,
        Roles = new HashSet<string>([VerityRoles.Reader, VerityRoles.Editor], StringComparer.Ordinal),
        IsAnonymous = true,
    };
}

public static class VerityRoles
{
    /// <summary>Asks questions and searches.</summary>
    public const string Reader = "reader";

    /// <summary>Also adds, replaces and deletes documents in its tenant.</summary>
    public const string Editor = "editor";

    /// <summary>Also manages API keys and reads the audit log of its tenant.</summary>
    public const string Admin = "admin";

    public static bool CanRead(CallerIdentity caller) =>
        caller.HasRole(Reader) || caller.HasRole(Editor) || caller.HasRole(Admin);

    public static bool CanWrite(CallerIdentity caller) => caller.HasRole(Editor) || caller.HasRole(Admin);
}
