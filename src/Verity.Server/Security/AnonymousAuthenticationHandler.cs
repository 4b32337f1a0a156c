using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Verity.Server.Security;

/// <summary>Authenticates every request as <see cref="Verity.Core.Security.CallerIdentity.Anonymous"/>; only
/// registered when the server is started anonymous on purpose.</summary>
internal sealed class AnonymousAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptions<AuthOptions> auth)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Anonymous";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var names = auth.Value.Claims;
        var anonymous = Verity.Core.Security.CallerIdentity.Anonymous;
        var identity = new ClaimsIdentity(
            [
                new Claim(names.User, anonymous.UserId),
                new Claim(names.Tenant, anonymous.TenantId),
                .. anonymous.Roles.Select(r => new Claim(names.Roles, r)),
            ],
            SchemeName);
        var principal = new ClaimsPrincipal(identity);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
