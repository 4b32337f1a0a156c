using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Verity.Core.Security;

namespace Verity.Server.Tests;

/// <summary>API keys for service accounts: admins create, list and revoke them in their own tenant; a key
/// authenticates like a token with the key's tenant, groups and roles, until it is revoked.</summary>
public sealed class ApiKeyTests : IAsyncLifetime
{
    private const string Tenant = "acme";
    private const string OtherTenant = "globex";

    private readonly VerityServerFactory _factory = TestTokens.AuthenticatedFactory();
    private HttpClient _admin = null!;
    private HttpClient _editor = null!;

    public async Task InitializeAsync()
    {
        _admin = _factory.CreateClient().WithToken(TestTokens.Create(user: "ada", tenant: Tenant, roles: ["admin"]));
        _editor = _factory.CreateClient().WithToken(TestTokens.Create(user: "ed", tenant: Tenant, roles: ["editor"]));
        await TestDocuments.SeedAsync(_editor);
    }

    public Task DisposeAsync()
    {
        _admin.Dispose();
        _editor.Dispose();
        _factory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Create_Admin_Returns201WithTheKeyOnce()
    {
        var response = await _admin.PostAsJsonAsync("/v1/admin/keys", new { name = "indexer", groups = new[] { "it" }, roles = new[] { "editor" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var id = body.GetProperty("id").GetString()!;
        var key = body.GetProperty("key").GetString()!;
        Assert.StartsWith($"vk_{id}_", key, StringComparison.Ordinal);
        Assert.True(ApiKeys.TryParse(key, out _, out _));
        Assert.Equal("indexer", body.GetProperty("name").GetString());
        Assert.Equal(["editor"], Strings(body.GetProperty("roles")));
        Assert.Equal(["it"], Strings(body.GetProperty("groups")));
        Assert.InRange(body.GetProperty("created_at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);
        Assert.EndsWith("/v1/admin/keys/" + id, response.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NoRoles_DefaultsToReader()
    {
        var body = await (await _admin.PostAsJsonAsync("/v1/admin/keys", new { name = "bot" })).ReadJsonAsync();

        Assert.Equal(["reader"], Strings(body.GetProperty("roles")));
        Assert.Empty(body.GetProperty("groups").EnumerateArray());
    }

    [Fact]
    public async Task Key_ReaderRole_SearchesAndChatsButCannotWrite()
    {
        using var client = KeyClient(await CreateKeyAsync(_admin, "reader-bot", roles: ["reader"]));

        var search = await client.PostAsJsonAsync("/v1/search", new { query = "coffee machines kitchen" });
        var chat = await client.PostAsJsonAsync("/v1/chat", new { question = "How many coffee machines does the kitchen have?" });
        var write = await client.PostAsJsonAsync("/v1/documents", new { text = "Keys with the reader role cannot write." });

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.NotEmpty((await search.ReadJsonAsync()).GetProperty("results").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.NotEmpty((await chat.ReadJsonAsync()).GetProperty("sources").EnumerateArray());
        await ProblemAssert.IsProblemAsync(write, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Key_EditorRole_WritesDocumentsInItsTenant()
    {
        using var client = KeyClient(await CreateKeyAsync(_admin, "ingester", roles: ["editor"]));

        var write = await client.PostAsJsonAsync("/v1/documents", new { id = "notes/keys", text = "The ingester service account wrote this note." });

        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _editor.GetAsync("/v1/documents/notes/keys")).StatusCode);
    }

    [Fact]
    public async Task Key_AuthorizationHeaderApiKeyScheme_Authenticates()
    {
        var key = await CreateKeyAsync(_admin, "header-bot");
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", key);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/search", new { query = "parking" })).StatusCode);
    }

    [Fact]
    public async Task Key_AfterRevoke_Returns401()
    {
        var key = await CreateKeyAsync(_admin, "short-lived");
        using var client = KeyClient(key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/search", new { query = "parking" })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/v1/admin/keys/" + IdOf(key))).StatusCode);

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/v1/search", new { query = "parking" }), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/v1/chat", new { question = "Where can I park?" }), HttpStatusCode.Unauthorized);
        var listed = Assert.Single(await ListAsync(_admin), k => k.GetProperty("id").GetString() == IdOf(key));
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("revoked_at").ValueKind);
    }

    [Fact]
    public async Task Key_WrongSecretForAValidId_Returns401()
    {
        var key = await CreateKeyAsync(_admin, "victim", roles: ["admin"]);
        var forged = ApiKeys.Prefix + IdOf(key) + "_" + ApiKeys.Generate().Key[^43..];
        Assert.True(ApiKeys.TryParse(forged, out _, out _));
        using var client = KeyClient(forged);

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/v1/search", new { query = "parking" }), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/admin/keys"), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("vk_")]
    [InlineData("not-a-key")]
    [InlineData("vk_abcdefghijkl_tooshort")]
    [InlineData("vk_ABCDEFGHIJKL_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!")]
    [InlineData("vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Key_MalformedOrUnknown_Returns401(string key)
    {
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Api-Key", key);

        var response = await client.PostAsJsonAsync("/v1/search", new { query = "parking" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("reader")]
    [InlineData("editor")]
    public async Task Keys_NonAdmin_Returns403(string role)
    {
        using var client = _factory.CreateClient().WithToken(TestTokens.Create(user: "nosy", tenant: Tenant, roles: [role]));
        var id = IdOf(await CreateKeyAsync(_admin, "target"));

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/v1/admin/keys", new { name = "mine" }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/admin/keys"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync("/v1/admin/keys/" + id), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Keys_NonAdminKey_Returns403()
    {
        using var client = KeyClient(await CreateKeyAsync(_admin, "editor-bot", roles: ["editor"]));

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/v1/admin/keys", new { name = "escalate", roles = new[] { "admin" } }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Keys_NoCredentials_Returns401()
    {
        using var client = _factory.CreateClient();

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/admin/keys"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Keys_AdminOfAnotherTenant_CannotListOrRevoke()
    {
        var key = await CreateKeyAsync(_admin, "acme-bot");
        using var otherAdmin = _factory.CreateClient().WithToken(TestTokens.Create(user: "ada", tenant: OtherTenant, roles: ["admin"]));
        await CreateKeyAsync(otherAdmin, "globex-bot");

        var othersList = await ListAsync(otherAdmin);
        var revoke = await otherAdmin.DeleteAsync("/v1/admin/keys/" + IdOf(key));

        Assert.Equal("globex-bot", Assert.Single(othersList).GetProperty("name").GetString());
        await ProblemAssert.IsProblemAsync(revoke, HttpStatusCode.NotFound);
        using var client = KeyClient(key);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/search", new { query = "parking" })).StatusCode);
        Assert.Contains(await ListAsync(_admin), k => k.GetProperty("id").GetString() == IdOf(key) && k.GetProperty("revoked_at").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Key_OfAnotherTenant_SeesOnlyItsTenant()
    {
        using var otherAdmin = _factory.CreateClient().WithToken(TestTokens.Create(user: "ada", tenant: OtherTenant, roles: ["admin"]));
        using var client = KeyClient(await CreateKeyAsync(otherAdmin, "globex-reader"));

        var search = await (await client.PostAsJsonAsync("/v1/search", new { query = "coffee machines kitchen" })).ReadJsonAsync();

        Assert.Empty(search.GetProperty("results").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/documents/kb/kitchen")).StatusCode);
    }

    [Fact]
    public async Task Revoke_UnknownId_Returns404()
    {
        await ProblemAssert.IsProblemAsync(await _admin.DeleteAsync("/v1/admin/keys/abcdefghijkl"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _admin.DeleteAsync("/v1/admin/keys/not-an-id"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_NeverContainsTheKeyOrItsHash()
    {
        var key = await CreateKeyAsync(_admin, "secretive", groups: ["finance"], roles: ["reader", "editor"]);
        Assert.True(ApiKeys.TryParse(key, out var id, out var secret));
        var hash = ApiKeys.HashSecret(secret);

        var text = await _admin.GetStringAsync("/v1/admin/keys");

        var listed = Assert.Single(JsonDocument.Parse(text).RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal(("secretive", "ada", "key:" + id), (listed.GetProperty("name").GetString(), listed.GetProperty("created_by").GetString(), listed.GetProperty("user").GetString()));
        Assert.Equal(["reader", "editor"], Strings(listed.GetProperty("roles")));
        Assert.Equal(["finance"], Strings(listed.GetProperty("groups")));
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(hash), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(hash), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_'), text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "name")]
    [InlineData("{\"name\": \"   \"}", "name")]
    [InlineData("{\"name\": \"bot\", \"roles\": [\"superuser\"]}", "roles")]
    [InlineData("{\"name\": \"bot\", \"roles\": []}", "roles")]
    [InlineData("{\"name\": \"bot\", \"groups\": [\"\"]}", "groups")]
    [InlineData("{\"name\": \"bot\", \"groups\": [\"finance team\"]}", "groups")]
    [InlineData("{\"name\": \"bot\", \"groups\": [\"finance,hr\"]}", "groups")]
    public async Task Create_InvalidBody_Returns400NamingTheField(string json, string field)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var problem = await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/v1/admin/keys", content), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Empty(await ListAsync(_admin));
    }

    [Fact]
    public async Task Key_Groups_DecideWhichRestrictedDocumentsItFinds()
    {
        var put = await _editor.PostAsJsonAsync("/v1/documents", new
        {
            id = "finance/budget",
            text = "The confidential budget for the zeppelin programme is eleven million.",
            acl = new { groups = new[] { "finance" } },
        });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var outsider = KeyClient(await CreateKeyAsync(_admin, "outsider", groups: ["it"]));
        using var insider = KeyClient(await CreateKeyAsync(_admin, "insider", groups: ["finance"]));

        var hidden = await (await outsider.PostAsJsonAsync("/v1/search", new { query = "zeppelin programme budget" })).ReadJsonAsync();
        var found = await (await insider.PostAsJsonAsync("/v1/search", new { query = "zeppelin programme budget" })).ReadJsonAsync();

        Assert.DoesNotContain(hidden.GetProperty("results").EnumerateArray(), r => r.GetProperty("document_id").GetString() == "finance/budget");
        Assert.DoesNotContain("eleven million", hidden.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync("/v1/documents/finance/budget")).StatusCode);
        Assert.Contains(found.GetProperty("results").EnumerateArray(), r => r.GetProperty("document_id").GetString() == "finance/budget");
        Assert.Equal(HttpStatusCode.OK, (await insider.GetAsync("/v1/documents/finance/budget")).StatusCode);
    }

    [Fact]
    public async Task Key_Requests_AuditedAsTheKeysUser()
    {
        var key = await CreateKeyAsync(_admin, "audited-bot");
        using var client = KeyClient(key);
        await client.PostAsJsonAsync("/v1/search", new { query = "parking garage" });

        var records = (await (await _admin.GetAsync("/v1/audit?action=search")).ReadJsonAsync()).GetProperty("records").EnumerateArray().ToList();

        var record = Assert.Single(records);
        Assert.Equal(("key:" + IdOf(key), Tenant), (record.GetProperty("user").GetString(), record.GetProperty("tenant").GetString()));
        Assert.Equal("parking garage", record.GetProperty("query").GetString());
    }

    [Fact]
    public async Task Key_OnlyOidcAuthorityConfigured_StillAuthenticates()
    {
        using var factory = new VerityServerFactory();
        factory.Settings.Remove("Auth:Anonymous");
        // Never contacted: a request with an API key does not reach the JWT handler.
        factory.Settings["Auth:Authority"] = "https://login.invalid/realms/verity";
        using var anonymous = factory.CreateClient();
        var generated = ApiKeys.Generate();
        await factory.Services.GetRequiredService<IApiKeyStore>().CreateAsync(
            new ApiKeyRecord
            {
                Id = generated.Id,
                TenantId = Tenant,
                Name = "seeded",
                Roles = ["reader"],
                CreatedAt = DateTimeOffset.UtcNow,
                CreatedBy = "test",
            },
            generated.SecretHash,
            CancellationToken.None);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", generated.Key);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/search", new { query = "anything" })).StatusCode);
        await ProblemAssert.IsProblemAsync(await anonymous.PostAsJsonAsync("/v1/search", new { query = "anything" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task OpenApi_DescribesTheKeyEndpoints()
    {
        using var client = _factory.CreateClient();
        var paths = (await (await client.GetAsync("/openapi/v1.json")).ReadJsonAsync()).GetProperty("paths");

        Assert.True(paths.TryGetProperty("/v1/admin/keys", out var keys));
        Assert.True(keys.TryGetProperty("post", out _) && keys.TryGetProperty("get", out _));
        Assert.True(paths.TryGetProperty("/v1/admin/keys/{id}", out var key) && key.TryGetProperty("delete", out _));
    }

    private HttpClient KeyClient(string key)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string name, string[]? groups = null, string[]? roles = null)
    {
        var response = await admin.PostAsJsonAsync("/v1/admin/keys", new { name, groups, roles });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("key").GetString()!;
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient admin)
    {
        var response = await admin.GetAsync("/v1/admin/keys");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("keys").EnumerateArray().ToList();
    }

    private static string IdOf(string key) => ApiKeys.TryParse(key, out var id, out _) ? id : throw new ArgumentException("Not a key.", nameof(key));

    private static List<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()).ToList();
}
