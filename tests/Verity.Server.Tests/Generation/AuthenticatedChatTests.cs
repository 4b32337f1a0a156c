using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace Verity.Server.Tests.Generation;

/// <summary>With authentication on: OpenAI SDKs authenticate with a Verity API key as their bearer token (a JWT
/// still works as before), and a cached answer never crosses a permission boundary.</summary>
public sealed class AuthenticatedChatTests(AuthenticatedChatTests.Authenticated fixture)
    : IClassFixture<AuthenticatedChatTests.Authenticated>, IDisposable
{
    private const string BudgetQuestion = "What is the budget of the zeppelin programme?";

    public void Dispose()
    {
        fixture.Model.Chat = null;
        fixture.Model.ClearRequests();
    }

    [Fact]
    public async Task Sdk_VerityApiKeyAsBearer_AuthenticatesAsTheKeysServiceAccount()
    {
        var key = await fixture.CreateKeyAsync("sdk-bot", groups: []);
        var client = new ChatClient("verity", new ApiKeyCredential(key), Options());

        var completion = (await client.CompleteChatAsync(new UserChatMessage("Which error does the Pangolin client show?"))).Value;

        Assert.Contains("809", completion.Content[0].Text, StringComparison.Ordinal);
        var audit = (await (await fixture.Admin.GetAsync("/v1/audit?action=chat")).ReadJsonAsync()).GetProperty("records").EnumerateArray().ToList();
        Assert.Contains(audit, r => r.GetProperty("user").GetString()!.StartsWith("key:", StringComparison.Ordinal)
            && r.GetProperty("query").GetString() == "Which error does the Pangolin client show?");
    }

    [Fact]
    public async Task Bearer_Jwt_StillAuthenticatesTheOpenAiEndpoint()
    {
        using var client = fixture.CreateClient(TestTokens.Create(user: "jo", tenant: Authenticated.Tenant));

        var response = await client.PostAsJsonAsync("/v1/chat/completions", new { messages = new[] { new { role = "user", content = "Where is the VPN gateway?" } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat.completion", (await response.ReadJsonAsync()).GetProperty("object").GetString());
    }

    [Theory]
    [InlineData("vk_aaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("vk_not-a-key")]
    [InlineData("sk-an-openai-key")]
    public async Task Sdk_BearerThatIsNeitherAKnownKeyNorAJwt_Fails401WithAMessage(string bearer)
    {
        var client = new ChatClient("verity", new ApiKeyCredential(bearer), Options());

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync(new UserChatMessage("Where is the VPN gateway?")));

        Assert.Equal(401, error.Status);
        Assert.Contains("Authentication failed", error.Message, StringComparison.Ordinal);
        Assert.Empty(fixture.ChatRequests);
    }

    [Fact]
    public async Task CachedAnswer_CallerWithOtherPermissions_GetsAFreshAnswerFromTheirOwnDocuments()
    {
        using var insider = fixture.CreateClient(TestTokens.Create(user: "fin", tenant: Authenticated.Tenant, groups: ["finance"]));
        using var outsider = fixture.CreateClient(TestTokens.Create(user: "ops", tenant: Authenticated.Tenant, groups: ["it"]));

        var first = await AskAsync(insider, BudgetQuestion);
        var again = await AskAsync(insider, BudgetQuestion);
        var other = await AskAsync(outsider, BudgetQuestion);

        // Positive control: the insider's second ask is served from the cache.
        Assert.Contains("eleven million", first.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.True(again.GetProperty("cached").GetBoolean());
        Assert.Equal("finance/budget", first.GetProperty("sources")[0].GetProperty("document_id").GetString());

        Assert.False(other.GetProperty("cached").GetBoolean());
        Assert.DoesNotContain("eleven million", other.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(other.GetProperty("sources").EnumerateArray(), s => s.GetProperty("document_id").GetString() == "finance/budget");
        Assert.Equal(2, fixture.ChatRequests.Count);
        Assert.DoesNotContain("eleven million", string.Join("\n", fixture.ChatRequests[1].Messages.Select(m => m.Content)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CachedAnswer_ApiKeyWithOtherGroups_OverTheOpenAiEndpoint_NeverSeesTheCachedSources()
    {
        using var insider = fixture.CreateClient(TestTokens.Create(user: "fin2", tenant: Authenticated.Tenant, groups: ["finance"]));
        var outsider = new ChatClient("verity", new ApiKeyCredential(await fixture.CreateKeyAsync("outsider-bot", groups: ["it"])), Options());
        const string question = "How large is the zeppelin programme budget?";

        var first = await AskAsync(insider, question);
        var result = await outsider.CompleteChatAsync(new UserChatMessage(question));

        Assert.Contains("eleven million", first.GetProperty("answer").GetString(), StringComparison.Ordinal);
        using var raw = JsonDocument.Parse(result.GetRawResponse().Content);
        Assert.False(raw.RootElement.GetProperty("verity").GetProperty("cached").GetBoolean());
        Assert.DoesNotContain("eleven million", raw.RootElement.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("finance/budget", raw.RootElement.GetProperty("sources").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_Admin_SeesTheChainTheModelCircuitAndCacheHitRatiosWithoutTheKey()
    {
        using var reader = fixture.CreateClient(TestTokens.Create(user: "rita", tenant: Authenticated.Tenant));
        await AskAsync(reader, "Where is the VPN gateway?");
        await AskAsync(reader, "Where is the VPN gateway?");

        var refused = await reader.GetAsync("/v1/status");
        var response = await fixture.Admin.GetAsync("/v1/status");
        var status = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith(">extractive", status.GetProperty("chain").GetString(), StringComparison.Ordinal);
        var primary = status.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "primary");
        Assert.Equal("closed", primary.GetProperty("state").GetString());
        Assert.Equal("chat", primary.GetProperty("kind").GetString());
        Assert.Equal("memory", status.GetProperty("cache").GetString());
        var answers = status.GetProperty("caches").EnumerateArray().Single(c => c.GetProperty("cache").GetString() == "answers");
        Assert.True(answers.GetProperty("hits").GetInt64() >= 1);
        Assert.InRange(answers.GetProperty("hit_ratio").GetDouble(), 0.01, 1.0);
        Assert.DoesNotContain(GenerationFixture.ModelApiKey, status.GetRawText(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> AskAsync(HttpClient client, string question)
    {
        var response = await client.PostAsJsonAsync("/v1/chat", new { question });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private OpenAIClientOptions Options() => new() { Endpoint = new Uri(fixture.BaseAddress, "/v1") };

    /// <summary>Authentication on, the seeded corpus plus one document only the finance group may read.</summary>
    public sealed class Authenticated : GenerationFixture
    {
        public const string Tenant = "default";

        public HttpClient Admin { get; private set; } = null!;

        public async Task<string> CreateKeyAsync(string name, string[] groups)
        {
            var response = await Admin.PostAsJsonAsync("/v1/admin/keys", new { name, groups, roles = new[] { "reader" } });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.ReadJsonAsync()).GetProperty("key").GetString()!;
        }

        protected override VerityServerFactory CreateFactory() => TestTokens.AuthenticatedFactory();

        protected override async Task SeedAsync()
        {
            Admin = CreateClient(TestTokens.Create(user: "ada", tenant: Tenant, roles: ["admin"]));
            var editor = CreateClient(TestTokens.Create(user: "ed", tenant: Tenant, roles: ["editor"]));
            await TestDocuments.SeedAsync(editor);
            var restricted = await editor.PostAsJsonAsync("/v1/documents", new
            {
                id = "finance/budget",
                title = "Zeppelin budget",
                text = "The confidential budget for the zeppelin programme is eleven million.",
                acl = new { groups = new[] { "finance" } },
            });
            Assert.Equal(HttpStatusCode.Created, restricted.StatusCode);
        }
    }
}
