using Verity.Core.Model;

namespace Verity.Server.Infrastructure;

/// <summary>Who is asking. Until identities exist, every request acts in the default tenant; this is the one
/// place that changes when authentication arrives.</summary>
internal static class Caller
{
    public static string TenantOf(HttpContext context) => Tenants.Default;
}
