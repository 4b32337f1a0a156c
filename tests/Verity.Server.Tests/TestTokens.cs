using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Verity.Server.Tests;

/// <summary>Tokens for a server configured with <see cref="SigningKey"/>, and the ways a token can be wrong.</summary>
internal static class TestTokens
{
    public const string SigningKey = "test-signing-key-0123456789-abcdefghij";
    public const string Issuer = "verity";
    public const string Audience = "verity-api";

    public static VerityServerFactory AuthenticatedFactory()
    {
        var factory = new VerityServerFactory();
        factory.Settings.Remove("Auth:Anonymous");
        factory.Settings["Auth:SigningKey"] = SigningKey;
        return factory;
    }

    public static string Create(
        string user = "erin", string tenant = "default", string[]? groups = null, string[]? roles = null,
        string key = SigningKey, string issuer = Issuer, string audience = Audience, DateTime? expires = null,
        bool includeTenant = true)
    {
        var claims = new List<Claim> { new("sub", user) };
        if (includeTenant)
        {
            claims.Add(new Claim("tenant", tenant));
        }

        claims.AddRange((groups ?? []).Select(g => new Claim("groups", g)));
        claims.AddRange((roles ?? ["reader"]).Select(r => new Claim("roles", r)));
        var end = expires ?? DateTime.UtcNow.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = end.AddHours(-2),
            IssuedAt = end.AddHours(-2),
            Expires = end,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public static string Unsigned(string user = "mallory", string tenant = "default")
    {
        static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." +
            Encode($"{{\"sub\":\"{user}\",\"tenant\":\"{tenant}\",\"roles\":[\"admin\",\"reader\"],\"iss\":\"{Issuer}\",\"aud\":\"{Audience}\",\"exp\":{exp}}}") + ".";
    }

    public static HttpClient WithToken(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
