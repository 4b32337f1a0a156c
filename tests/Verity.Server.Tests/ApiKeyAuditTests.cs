using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Verity.Core.Security;

namespace Verity.Server.Tests;

/// <summary>Key management is audited like every other action, failures included, with the id of the key created or
/// revoked; requests authenticated by a key carry that key's id; no audit record ever holds a key's secret.</summary>
public sealed class ApiKeyAuditTests : IAsyncLifetime
{
    private const string Tenant = "acme";

    private readonly VerityServerFactory _factory = TestTokens.AuthenticatedFactory();
    private HttpClient _admin = null!;

    public Task InitializeAsync()
    {
        _admin = _factory.CreateClient().WithToken(TestTokens.Create(user: "ada", tenant: Tenant, roles: ["admin"]));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _admin.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Create_Admin_AuditedAsKeyCreateWithTheNewIdAndTheAdmin()
    {
        var key = await CreateKeyAsync(_admin, "indexer");

        var record = Assert.Single(await RecordsAsync("action=key.create"));

        Assert.Equal((IdOf(key), "ada", Tenant), (Text(record, "api_key_id"), Text(record, "user"), Text(record, "tenant")));
        Assert.Equal(("ok", 201), (Text(record, "outcome"), record.GetProperty("status_code").GetInt32()));
        Assert.Null(Text(record, "document_id"));
        Assert.Null(Text(record, "query"));
    }

    [Fact]
    public async Task List_Admin_AuditedAsKeyListWithoutAKey()
    {
        Assert.Equal(HttpStatusCode.OK, (await _admin.GetAsync("/v1/admin/keys")).StatusCode);

        var record = Assert.Single(await RecordsAsync("action=key.list"));

        Assert.Equal(("ada", "ok", 200), (Text(record, "user"), Text(record, "outcome"), record.GetProperty("status_code").GetInt32()));
        // A token, not a key, authenticated the listing.
        Assert.Null(Text(record, "api_key_id"));
    }

    [Fact]
    public async Task Revoke_Admin_AuditedAsKeyRevokeWithTheId()
    {
        var id = IdOf(await CreateKeyAsync(_admin, "short-lived"));

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/v1/admin/keys/" + id)).StatusCode);

        var record = Assert.Single(await RecordsAsync("action=key.revoke"));
        Assert.Equal((id, "ada", "ok", 204), (Text(record, "api_key_id"), Text(record, "user"), Text(record, "outcome"), record.GetProperty("status_code").GetInt32()));
        Assert.Null(Text(record, "document_id"));
    }

    [Fact]
    public async Task Revoke_UnknownOrMalformedId_AuditedAsNotFound()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync("/v1/admin/keys/abcdefghijkl")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync("/v1/admin/keys/not-an-id")).StatusCode);

        var records = await RecordsAsync("action=key.revoke");

        // Newest first: a malformed id is no key id and is not kept.
        Assert.Equal([(null, "not_found", 404), ("abcdefghijkl", "not_found", 404)], records.Select(r => (Text(r, "api_key_id"), Text(r, "outcome"), r.GetProperty("status_code").GetInt32())));
        Assert.All(records, r => Assert.Null(Text(r, "document_id")));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\": \"bot\", \"roles\": [\"superuser\"]}")]
    [InlineData("{\"name\": \"unterminated")]
    public async Task Create_InvalidBody_AuditedAsInvalid(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await _admin.PostAsync("/v1/admin/keys", content)).StatusCode);

        var record = Assert.Single(await RecordsAsync("action=key.create"));

        Assert.Equal(("ada", "invalid", 400), (Text(record, "user"), Text(record, "outcome"), record.GetProperty("status_code").GetInt32()));
        Assert.Null(Text(record, "api_key_id"));
    }

    [Fact]
    public async Task Keys_NonAdmin_EachAttemptAuditedAsDenied()
    {
        var id = IdOf(await CreateKeyAsync(_admin, "target"));
        using var editor = _factory.CreateClient().WithToken(TestTokens.Create(user: "ed", tenant: Tenant, roles: ["editor"]));

        Assert.Equal(HttpStatusCode.Forbidden, (await editor.PostAsJsonAsync("/v1/admin/keys", new { name = "mine", roles = new[] { "admin" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.GetAsync("/v1/admin/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.DeleteAsync("/v1/admin/keys/" + id)).StatusCode);

        var denied = await RecordsAsync("user=ed");
        Assert.Equal(["key.revoke", "key.list", "key.create"], denied.Select(r => Text(r, "action")));
        Assert.All(denied, r => Assert.Equal(("denied", 403), (Text(r, "outcome"), r.GetProperty("status_code").GetInt32())));
        Assert.Equal([id, null, null], denied.Select(r => Text(r, "api_key_id")));
    }

    [Fact]
    public async Task Search_WithACreatedKey_AuditedWithThatKeysId()
    {
        var key = await CreateKeyAsync(_admin, "search-bot");
        using var client = KeyClient(key);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/search", new { query = "parking garage" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostAsJsonAsync("/v1/search", new { query = "parking by token" })).StatusCode);

        var records = await RecordsAsync("action=search");
        Assert.Equal(
            [("parking by token", "ada", null), ("parking garage", "key:" + IdOf(key), IdOf(key))],
            records.Select(r => (Text(r, "query"), Text(r, "user"), Text(r, "api_key_id"))));
    }

    [Fact]
    public async Task Create_ByAnAdminKey_RecordsTheNewKeyAndTheCreatingKeyAsUser()
    {
        var adminKey = await CreateKeyAsync(_admin, "automation", roles: ["admin"]);
        using var automation = KeyClient(adminKey);

        var created = await CreateKeyAsync(automation, "child");
        Assert.Equal(HttpStatusCode.OK, (await automation.GetAsync("/v1/admin/keys")).StatusCode);

        var creates = await RecordsAsync("action=key.create");
        Assert.Equal([(IdOf(created), "key:" + IdOf(adminKey)), (IdOf(adminKey), "ada")], creates.Select(r => (Text(r, "api_key_id"), Text(r, "user"))));
        // Listing addresses no single key: the record names the key that authenticated it.
        Assert.Equal(IdOf(adminKey), Text(Assert.Single(await RecordsAsync("action=key.list")), "api_key_id"));
    }

    [Fact]
    public async Task Token_CarryingTheKeyIdClaim_NamesNoKey()
    {
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", "mallory"), new Claim("tenant", Tenant), new Claim("roles", "reader"), new Claim("verity_api_key_id", "abcdefghijkl")]),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey)), SecurityAlgorithms.HmacSha256),
        });
        using var client = _factory.CreateClient().WithToken(forged);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/search", new { query = "anything" })).StatusCode);

        var record = Assert.Single(await RecordsAsync("action=search"));
        Assert.Equal(("mallory", null), (Text(record, "user"), Text(record, "api_key_id")));
    }

    [Fact]
    public async Task AuditLog_AfterAKeysWholeLife_NeverContainsItsSecret()
    {
        var key = await CreateKeyAsync(_admin, "secretive", roles: ["admin"]);
        Assert.True(ApiKeys.TryParse(key, out var id, out var secret));
        using (var client = KeyClient(key))
        {
            await client.PostAsJsonAsync("/v1/search", new { query = "parking" });
            await client.GetAsync("/v1/admin/keys");
            await client.GetAsync("/v1/documents/kb/missing");
        }

        using (var bearer = _factory.CreateClient())
        {
            bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            await bearer.PostAsJsonAsync("/v1/search", new { query = "parking again" });
        }

        // An admin pasting the whole key where its id belongs.
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync("/v1/admin/keys/" + key)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/v1/admin/keys/" + id)).StatusCode);

        var page = await _admin.GetStringAsync("/v1/audit");
        var export = await _admin.GetStringAsync("/v1/audit/export");

        var records = JsonDocument.Parse(page).RootElement.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(7, records.Count);
        Assert.Equal(6, records.Count(r => Text(r, "api_key_id") == id));
        foreach (var text in new[] { page, export })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(ApiKeys.HashSecret(secret)), text, StringComparison.OrdinalIgnoreCase);
        }
    }

    private HttpClient KeyClient(string key)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string name, string[]? roles = null)
    {
        var response = await admin.PostAsJsonAsync("/v1/admin/keys", new { name, roles });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("key").GetString()!;
    }

    private async Task<List<JsonElement>> RecordsAsync(string parameters)
    {
        var response = await _admin.GetAsync("/v1/audit?" + parameters);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("records").EnumerateArray().ToList();
    }

    private static string? Text(JsonElement record, string property) => record.GetProperty(property).GetString();

    private static string IdOf(string key) => ApiKeys.TryParse(key, out var id, out _) ? id : throw new ArgumentException("Not a key.", nameof(key));
}
