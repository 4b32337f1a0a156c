using System.Net;
using System.Net.Http.Json;

namespace Verity.Server.Tests;

/// <summary>Every data endpoint requires a valid identity; bad tokens get 401/403 and no data.</summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private readonly VerityServerFactory _factory = TestTokens.AuthenticatedFactory();

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired", TestTokens.Create(expires: DateTime.UtcNow.AddHours(-1)) },
        { "wrong audience", TestTokens.Create(audience: "someone-else") },
        { "wrong issuer", TestTokens.Create(issuer: "evil") },
        { "wrong signature", TestTokens.Create(key: "another-signing-key-0123456789-abcdefgh") },
        { "alg none", TestTokens.Unsigned() },
        { "missing tenant claim", TestTokens.Create(includeTenant: false) },
        { "garbage", "not.a.token" },
    };

    public async Task InitializeAsync()
    {
        using var editor = _factory.CreateClient().WithToken(TestTokens.Create(user: "ed", roles: ["editor"]));
        var response = await editor.PostAsJsonAsync("/v1/documents", new { id = "vault", text = "The vault combination is written on the walrus card." });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task DataEndpoints_BadToken_Return401WithoutData(string why, string token)
    {
        using var client = _factory.CreateClient().WithToken(token);
        foreach (var response in await CallEveryDataEndpointAsync(client))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {response.RequestMessage!.Method} {response.RequestMessage.RequestUri} gave {(int)response.StatusCode}");
            Assert.DoesNotContain("walrus", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DataEndpoints_NoToken_Return401ProblemDetails()
    {
        using var client = _factory.CreateClient();
        foreach (var response in await CallEveryDataEndpointAsync(client))
        {
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Write_ReaderRole_Returns403()
    {
        using var reader = _factory.CreateClient().WithToken(TestTokens.Create(roles: ["reader"]));

        await ProblemAssert.IsProblemAsync(await reader.PostAsJsonAsync("/v1/documents", new { text = "Readers cannot write." }), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await reader.DeleteAsync("/v1/documents/vault"), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v1/documents/vault")).StatusCode);
    }

    [Fact]
    public async Task Read_TokenWithoutAnyRole_Returns403()
    {
        using var client = _factory.CreateClient().WithToken(TestTokens.Create(roles: ["visitor"]));
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/v1/search", new { query = "walrus" }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ValidToken_OtherTenant_SeesNothingOfThisTenant()
    {
        using var client = _factory.CreateClient().WithToken(TestTokens.Create(tenant: "other", roles: ["admin"]));

        var search = await (await client.PostAsJsonAsync("/v1/search", new { query = "vault combination walrus" })).ReadJsonAsync();
        Assert.Empty(search.GetProperty("results").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/documents/vault")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/v1/documents/vault")).StatusCode);
        var list = await (await client.GetAsync("/v1/documents")).ReadJsonAsync();
        Assert.Empty(list.GetProperty("documents").EnumerateArray());
    }

    [Fact]
    public async Task PublicEndpoints_NeedNoToken()
    {
        using var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public void Server_WithoutKeyOrAnonymous_RefusesToStart()
    {
        using var factory = new VerityServerFactory();
        factory.Settings.Remove("Auth:Anonymous");
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Auth:SigningKey", error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<List<HttpResponseMessage>> CallEveryDataEndpointAsync(HttpClient client) =>
    [
        await client.PostAsJsonAsync("/v1/chat", new { question = "What is the vault combination?" }),
        await client.PostAsJsonAsync("/v1/search", new { query = "vault combination walrus" }),
        await client.GetAsync("/v1/documents"),
        await client.GetAsync("/v1/documents/vault"),
        await client.PostAsJsonAsync("/v1/documents", new { id = "vault", text = "Overwritten by an intruder." }),
        await client.DeleteAsync("/v1/documents/vault"),
    ];

    public Task DisposeAsync()
    {
        _factory.Dispose();
        return Task.CompletedTask;
    }
}
