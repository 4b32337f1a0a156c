using Microsoft.Extensions.AI;
using Verity.Testing.OpenAi;

namespace Verity.Llm.Tests;

public sealed class ChatClientTests : ServerTest
{
    [Fact]
    public async Task GetResponseAsync_HealthyEndpoint_AnswersThroughTheSdkWithUsageAndSettings()
    {
        using var client = ChatClient();
        var prompt = "<source id=\"1\" title=\"Policy\">Annual leave is 25 days. It renews in January.</source>\nQuestion: leave?";

        var response = await client.GetResponseAsync(Question(prompt), new ChatOptions { MaxOutputTokens = 300, Temperature = 0.1f });

        Assert.Equal("Annual leave is 25 days. [1]", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.NotNull(response.Usage);
        Assert.Equal(6, response.Usage.OutputTokenCount);
        Assert.True(response.Usage.InputTokenCount > 10);
        var request = Assert.Single(Server.Requests);
        Assert.Equal("fake-chat", request.Model);
        Assert.Equal(300, request.MaxTokens);
        Assert.Equal(0.1, request.Temperature!.Value, 3);
        Assert.Equal("Bearer " + TestEndpoints.Key, request.Authorization);
        Assert.Equal(CircuitStatus.Closed, Status().State);
        Assert.Null(Status().LastError);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HealthyEndpoint_StreamsTheChunksThenUsage()
    {
        Server.Chat = r => FakeOpenAiServer.GroundedAnswer(r).Streamed(4, TimeSpan.FromMilliseconds(5));
        using var client = ChatClient();

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Question("[3] Offices open at 9. They close at 5.")));

        var response = updates.ToChatResponse();
        Assert.Equal("Offices open at 9. [3]", response.Text);
        Assert.Equal(4, updates.Count(u => u.Text.Length > 0));
        Assert.NotNull(response.Usage);
        Assert.Equal(5, response.Usage.OutputTokenCount);
        Assert.True(Assert.Single(Server.Requests).Stream);
    }

    [Fact]
    public async Task GetResponseAsync_NoApiKey_SendsNoAuthorizationHeader()
    {
        using var client = ChatClient(o => o.ApiKey = null);

        await client.GetResponseAsync(Question());

        Assert.Null(Assert.Single(Server.Requests).Authorization);
    }

    [Fact]
    public async Task GetResponseAsync_ApiKeyHeader_SendsTheKeyInThatHeaderOnly()
    {
        using var client = ChatClient(o => o.ApiKeyHeader = "api-key");

        await client.GetResponseAsync(Question());

        var request = Assert.Single(Server.Requests);
        Assert.Equal(TestEndpoints.Key, request.ApiKeyHeader);
        Assert.Null(request.Authorization);
    }

    [Fact]
    public async Task GetResponseAsync_EndpointWithoutTrailingSlash_ReachesTheSamePaths()
    {
        using var client = ChatClient(o => o.Endpoint = Server.BaseUrl.ToString().TrimEnd('/'));

        await client.GetResponseAsync(Question());

        Assert.Equal(1, Server.CountRequests(FakeOpenAiServer.ChatPath));
    }

    [Fact]
    public void GetService_ChatClientMetadata_ComesFromTheSdkClient()
    {
        using var client = ChatClient();

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("fake-chat", metadata.DefaultModelId);
        Assert.Equal("primary", client.Name);
    }
}
