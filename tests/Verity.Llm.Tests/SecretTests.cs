using Verity.Core;
using Verity.Testing.OpenAi;

namespace Verity.Llm.Tests;

/// <summary>The API key goes to the endpoint and nowhere else: not in exceptions (message or ToString, inner
/// exceptions included), logs, health or options' ToString — even when the server echoes it back.</summary>
public sealed class SecretTests : ServerTest
{
    [Fact]
    public async Task Failure_ServerEchoesTheKey_KeyAppearsInNoExceptionLogOrStatus()
    {
        Server.Chat = r => FakeReply.Error(401, $"Incorrect API key provided: {r.Authorization}.");
        using var client = ChatClient();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.Equal("Bearer " + TestEndpoints.Key, Server.Requests[0].Authorization);
        Assert.DoesNotContain(TestEndpoints.Key, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestEndpoints.Key, Status().ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(Logs.Entries);
        Assert.All(Logs.Entries, e => Assert.DoesNotContain(TestEndpoints.Key, e.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenCircuit_LastFailureEchoedTheKey_RejectionCarriesNoKey()
    {
        Server.Chat = r => FakeReply.Error(503, $"Upstream rejected {r.Authorization}");
        using var client = ChatClient(o =>
        {
            o.MaxRetries = 0;
            o.MinimumThroughput = 2;
        });
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));
        }

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => client.GetResponseAsync(Question()));

        Assert.Contains("circuit open", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestEndpoints.Key, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamFailure_KeyAppearsNowhere()
    {
        Server.Chat = _ => FakeReply.Answer("a b c").Streamed(3).AbortingAfter(1);
        using var client = ChatClient();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => CollectAsync(client.GetStreamingResponseAsync(Question())));

        Assert.DoesNotContain(TestEndpoints.Key, error.ToString(), StringComparison.Ordinal);
        Assert.All(Logs.Entries, e => Assert.DoesNotContain(TestEndpoints.Key, e.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void CreateChatClient_EndpointWithCredentials_IsRefusedWithoutEchoingThem()
    {
        var options = ChatOptions(o => o.Endpoint = "https://user:hunter2@models.example/v1/");

        var error = Assert.Throws<InvalidOperationException>(() => OpenAiCompatibleClients.CreateChatClient(options));

        Assert.Contains("primary:Endpoint must not contain credentials", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_Endpoint_HasNoCredentials()
    {
        var options = ChatOptions(o => o.Endpoint = "https://user:hunter2@models.example/v1/?token=abc");
        using var client = new ResilientChatClient(OpenAiCompatibleClients.CreateChatClient(ChatOptions()), options, Endpoints);

        var status = Status();

        Assert.Equal("https://models.example/v1/", status.Endpoint);
        Assert.DoesNotContain("hunter2", status.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestEndpoints.Key, status.ToString(), StringComparison.Ordinal);
    }
}
