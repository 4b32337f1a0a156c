using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Verity.Core.Security;

namespace Verity.Server.Security;

/// <summary>
/// Authenticates a service account by its API key, sent as <c>X-Api-Key: vk_…</c>, <c>Authorization: ApiKey
/// vk_…</c> or <c>Authorization: Bearer vk_…</c> (how OpenAI SDKs send their key; a bearer token that is not shaped
/// like a key is a JWT and goes to the JWT handler). The principal carries the same claims (configured names) a JWT
/// would, so <see cref="Caller"/>, the role policies, rate limits and the audit log treat it like any user:
/// <c>key:&lt;id&gt;</c> of the key's tenant, with its groups and roles, plus the key's id in <see cref="KeyIdClaim"/>
/// (never its secret). Unknown, revoked, malformed or wrong keys fail (401). Neither key nor secret is ever logged.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IOptions<AuthOptions> auth, IApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>The default scheme when authentication is on: API key when the request carries one, JWT otherwise.</summary>
    public const string SelectorSchemeName = "JwtOrApiKey";

    /// <summary>The claim holding the id of the key that authenticated the request (the audit log records it).</summary>
    public const string KeyIdClaim = "verity_api_key_id";

    private const string AuthorizationPrefix = SchemeName + " ";
    private const string BearerPrefix = "Bearer ";

    /// <summary>Whether the request presents an API key (and so is authenticated by this scheme, not by JWT).</summary>
    public static bool HasKey(HttpRequest request) => KeyOf(request) is not null;

    /// <summary>The id of the API key that authenticated <paramref name="user"/>, or null. Read only from an identity
    /// this handler built: a JWT carrying a claim of the same name names no key.</summary>
    public static string? KeyIdOf(ClaimsPrincipal user) =>
        user.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == SchemeName)?.FindFirst(KeyIdClaim)?.Value;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = KeyOf(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!ApiKeys.TryParse(key, out var id, out var secret))
        {
            return AuthenticateResult.Fail("The API key is malformed.");
        }

        var stored = await keys.FindByIdAsync(id, Context.RequestAborted);
        // Verify even for an unknown id, so timing does not tell which ids exist.
        var valid = ApiKeys.Verify(secret, stored?.SecretHash ?? new byte[32]);
        if (stored is null || !valid)
        {
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var record = stored.Record;
        if (record.IsRevoked)
        {
            return AuthenticateResult.Fail("The API key has been revoked.");
        }

        var names = auth.Value.Claims;
        var identity = new ClaimsIdentity(
            [
                new Claim(names.User, record.UserId),
                new Claim(names.Tenant, record.TenantId),
                new Claim(KeyIdClaim, record.Id),
                .. record.Groups.Select(g => new Claim(names.Groups, g)),
                .. record.Roles.Select(r => new Claim(names.Roles, r)),
            ],
            SchemeName,
            names.User,
            names.Roles);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = SchemeName;
        return base.HandleChallengeAsync(properties);
    }

    private static string? KeyOf(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.Count > 0)
        {
            return header.ToString().Trim();
        }

        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        if (authorization.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[AuthorizationPrefix.Length..].Trim();
        }

        // A JWT never starts with the key prefix (its first segment is base64url JSON, "eyJ…").
        if (authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization[BearerPrefix.Length..].Trim();
            return token.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal) ? token : null;
        }

        return null;
    }
}
