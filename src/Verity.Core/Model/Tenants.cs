namespace Verity.Core.Model;

public static class Tenants
{
    /// <summary>The tenant used while the server runs without identities (embedded default, demo).</summary>
    public const string Default = "default";
}
