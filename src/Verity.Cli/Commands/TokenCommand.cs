using System.CommandLine;
using System.Security.Claims;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Verity.Core.Model;
using Verity.Core.Security;
using Verity.Server.Security;

namespace Verity.Cli.Commands;

internal static class TokenCommand
{
    public static Command Create()
    {
        var user = new Option<string>("--user") { Description = "User id (the 'sub' claim).", Required = true };
        var tenant = new Option<string>("--tenant") { Description = "Tenant.", DefaultValueFactory = _ => Tenants.Default };
        var groups = new Option<string?>("--groups") { Description = "Comma-separated groups." };
        var roles = new Option<string>("--roles") { Description = "Comma-separated roles: reader, editor, admin.", DefaultValueFactory = _ => VerityRoles.Reader };
        var lifetime = new Option<TimeSpan>("--expires-in") { Description = "Lifetime, e.g. 8:00:00.", DefaultValueFactory = _ => TimeSpan.FromHours(8) };
        var command = new Command("token", "Print a development JWT signed with the configured Auth:SigningKey (environment Auth__SigningKey).")
        {
            user, tenant, groups, roles, lifetime,
        };
        command.SetAction((parse, _) => CliRunner.RunAsync(() =>
        {
            var options = new AuthOptions();
            CliHost.BuildConfiguration(null).GetSection(AuthOptions.Section).Bind(options);
            if (string.IsNullOrEmpty(options.SigningKey) || options.SigningKey.Length < 32)
            {
                throw new InvalidOperationException("Set Auth__SigningKey (at least 32 characters) to the key the server uses.");
            }

            Console.WriteLine(Create(options, parse.GetValue(user)!, parse.GetValue(tenant)!, Split(parse.GetValue(groups)), Split(parse.GetValue(roles)), parse.GetValue(lifetime)));
            return Task.FromResult(0);
        }));
        return command;
    }

    public static string Create(AuthOptions options, string user, string tenant, IEnumerable<string> groups, IEnumerable<string> roles, TimeSpan lifetime)
    {
        var names = options.Claims;
        var claims = new List<Claim> { new(names.User, user), new(names.Tenant, tenant) };
        claims.AddRange(groups.Select(g => new Claim(names.Groups, g)));
        claims.AddRange(roles.Select(r => new Claim(names.Roles, r)));
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now,
            IssuedAt = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(AuthSetup.SigningKey(options.SigningKey!), SecurityAlgorithms.HmacSha256),
        });
    }

    private static string[] Split(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
