namespace Verity.Core.Security;

/// <summary>
/// Who may read a document within its tenant: everyone (<see cref="IsPublic"/>), or the listed users, members of
/// the listed groups and holders of the listed roles. An empty non-public ACL lets nobody read the document.
/// </summary>
public sealed record DocumentAcl
{
    public bool IsPublic { get; init; }
    public IReadOnlyList<string> Users { get; init; } = [];
    public IReadOnlyList<string> Groups { get; init; } = [];
    public IReadOnlyList<string> Roles { get; init; } = [];

    public static DocumentAcl Public { get; } = new() { IsPublic = true };

    /// <summary>The principals this ACL admits (empty for a public ACL, which admits everyone).</summary>
    public IReadOnlyList<string> Principals => IsPublic
        ? []
        : [.. Users.Select(UserPrincipal), .. Groups.Select(GroupPrincipal), .. Roles.Select(RolePrincipal)];

    public bool Admits(CallerIdentity caller) =>
        IsPublic || Principals.Intersect(caller.Principals, StringComparer.Ordinal).Any();

    /// <summary>A canonical text of the ACL; part of a document's content hash, so an ACL change is a change.</summary>
    public string Canonical => IsPublic
        ? "public"
        : string.Join(',', Principals.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public static string UserPrincipal(string user) => "user:" + user;

    public static string GroupPrincipal(string group) => "group:" + group;

    public static string RolePrincipal(string role) => "role:" + role;
}
