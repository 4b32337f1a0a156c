namespace Verity.Core.Caching;

/// <summary>
/// Names what a caller may read, for cache keys: two callers get the same fingerprint exactly when they hold the
/// same set of principals (order and duplicates do not matter; comparison is ordinal, as the stores compare).
/// </summary>
public static class PermissionFingerprint
{
    /// <summary>The fingerprint of system work that reads without ACL restriction. It is not a hex digest, so it can
    /// never equal the fingerprint of a principal set, not even the empty one.</summary>
    public const string Unrestricted = "unrestricted";

    /// <summary>64 hex digits of SHA-256 over the sorted distinct principals; <see cref="Unrestricted"/> for null.</summary>
    public static string Of(IReadOnlyCollection<string>? principals)
    {
        if (principals is null)
        {
            return Unrestricted;
        }

        var sorted = principals.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        using var hash = new CanonicalHash();
        hash.Add("principals/v1").Add(sorted.Count);
        foreach (var principal in sorted)
        {
            hash.Add(principal);
        }

        return hash.ToHex();
    }
}
