using System.Security.Claims;
using Microsoft.Extensions.Options;
using Verity.Core.Security;

namespace Verity.Server.Security;

/// <summary>Turns the authenticated principal into a <see cref="CallerIdentity"/> using the configured claim names.</summary>
public static class Caller
{
    public static CallerIdentity Of(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.AuthenticationType == AnonymousAuthenticationHandler.SchemeName)
        {
            return CallerIdentity.Anonymous;
        }

        var claims = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Claims;
        var id = user.FindFirst(claims.User)?.Value;
        var tenant = user.FindFirst(claims.Tenant)?.Value;
        if (user.Identity?.IsAuthenticated != true || string.IsNullOrEmpty(id) || string.IsNullOrEmpty(tenant))
        {
            // The authentication handler rejects such tokens; reaching here means an endpoint lacks authorization.
            throw new InvalidOperationException("The request has no authenticated caller with a user id and a tenant.");
        }

        return new CallerIdentity
        {
            UserId = id,
            TenantId = tenant,
            Groups = Values(user, claims.Groups),
            Roles = Values(user, claims.Roles),
        };
    }

    // A multi-valued claim arrives as several claims of one type; a space- or comma-separated string is accepted too.
    internal static HashSet<string> Values(ClaimsPrincipal user, string type) =>
        user.FindAll(type)
            .SelectMany(c => c.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
}
