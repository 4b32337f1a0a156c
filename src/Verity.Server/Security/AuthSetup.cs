using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Verity.Core.Security;

namespace Verity.Server.Security;

public static class AuthSetup
{
    public const string ReadPolicy = "read";
    public const string WritePolicy = "write";
    public const string AdminPolicy = "admin";

    /// <summary>JWT bearer authentication (symmetric key or OIDC authority), or the anonymous scheme when the
    /// server was started anonymous on purpose; role policies for reading, writing and administration.</summary>
    public static IServiceCollection AddVerityAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new AuthOptions();
        configuration.GetSection(AuthOptions.Section).Bind(options);
        services.AddSingleton(Options.Create(options));

        if (options.Anonymous)
        {
            services.AddAuthentication(AnonymousAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, AnonymousAuthenticationHandler>(AnonymousAuthenticationHandler.SchemeName, null);
        }
        else
        {
            Validate(options);
            // API keys (service accounts) beside JWTs: whichever the request presents decides the scheme.
            services.AddAuthentication(ApiKeyAuthenticationHandler.SelectorSchemeName)
                .AddJwtBearer(jwt => ConfigureJwt(jwt, options))
                .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
                .AddPolicyScheme(ApiKeyAuthenticationHandler.SelectorSchemeName, "JWT bearer or API key", policy =>
                    policy.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.HasKey(context.Request)
                        ? ApiKeyAuthenticationHandler.SchemeName
                        : JwtBearerDefaults.AuthenticationScheme);
        }

        services.AddAuthorization(authorization =>
        {
            authorization.AddPolicy(ReadPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => HasAnyRole(c.User, options, VerityRoles.Reader, VerityRoles.Editor, VerityRoles.Admin)));
            authorization.AddPolicy(WritePolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => HasAnyRole(c.User, options, VerityRoles.Editor, VerityRoles.Admin)));
            authorization.AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireAssertion(c => HasAnyRole(c.User, options, VerityRoles.Admin)));
        });
        return services;
    }

    private static void Validate(AuthOptions options)
    {
        if (string.IsNullOrEmpty(options.SigningKey) && string.IsNullOrEmpty(options.Authority))
        {
            throw new InvalidOperationException(
                "Authentication is required: set Auth:SigningKey (environment Auth__SigningKey) or Auth:Authority, or start the server with --anonymous.");
        }

        if (!string.IsNullOrEmpty(options.SigningKey) && options.SigningKey.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be at least 32 characters long.");
        }
    }

    private static void ConfigureJwt(JwtBearerOptions jwt, AuthOptions options)
    {
        jwt.MapInboundClaims = false;
        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = options.Issuer,
            ValidateAudience = true,
            ValidAudience = options.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = options.ClockSkew,
            NameClaimType = options.Claims.User,
            RoleClaimType = options.Claims.Roles,
        };

        if (!string.IsNullOrEmpty(options.Authority))
        {
            jwt.Authority = options.Authority;
            jwt.Audience = options.Audience;
            parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384];
        }
        else
        {
            parameters.ValidateIssuerSigningKey = true;
            parameters.IssuerSigningKey = SigningKey(options.SigningKey!);
            parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];
        }

        jwt.TokenValidationParameters = parameters;
        jwt.Events = new JwtBearerEvents
        {
            // A token that verifies but names no user or tenant cannot be scoped to any data: refuse it.
            OnTokenValidated = context =>
            {
                var principal = context.Principal;
                if (string.IsNullOrEmpty(principal?.FindFirst(options.Claims.Tenant)?.Value))
                {
                    context.Fail($"The token has no '{options.Claims.Tenant}' claim.");
                }
                else if (string.IsNullOrEmpty(principal.FindFirst(options.Claims.User)?.Value))
                {
                    context.Fail($"The token has no '{options.Claims.User}' claim.");
                }

                return Task.CompletedTask;
            },
        };
    }

    public static SymmetricSecurityKey SigningKey(string key) => new(Encoding.UTF8.GetBytes(key));

    private static bool HasAnyRole(ClaimsPrincipal user, AuthOptions options, params string[] roles) =>
        Caller.Values(user, options.Claims.Roles).Overlaps(roles);
}
