namespace Verity.Server.Security;

/// <summary>Bound from <c>Auth</c> (environment: <c>Auth__SigningKey</c>, …).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Serve without authentication: every request is the anonymous reader/editor of the default tenant
    /// and sees public documents only. Set by <c>verity serve --anonymous</c> and <c>verity demo</c>.</summary>
    public bool Anonymous { get; set; }

    /// <summary>Symmetric key (at least 32 characters) for HS256/384/512 tokens; for small installs and tests.</summary>
    public string? SigningKey { get; set; }

    /// <summary>OpenID Connect authority; its discovery document and JWKS supply the signing keys.</summary>
    public string? Authority { get; set; }

    public string Issuer { get; set; } = "verity";

    public string Audience { get; set; } = "verity-api";

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public ClaimNames Claims { get; set; } = new();
}

/// <summary>Which token claims carry the user id, tenant, groups and roles.</summary>
public sealed class ClaimNames
{
    public string User { get; set; } = "sub";
    public string Tenant { get; set; } = "tenant";
    public string Groups { get; set; } = "groups";
    public string Roles { get; set; } = "roles";
}
