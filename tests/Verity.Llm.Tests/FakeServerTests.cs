using System.ClientModel;
using System.Net;
using OpenAI;
using OpenAI.Chat;
using Verity.Testing.OpenAi;

namespace Verity.Llm.Tests;

/// <summary>The fake server against the official OpenAI SDK directly: if the SDK parses it, so will anything built
/// on the SDK.</summary>
public sealed class FakeServerTests : IAsyncLifetime
{
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OpenAIClient Sdk(int retries = 0) => new(new ApiKeyCredential("sk-abc"), new OpenAIClientOptions
    {
        Endpoint = _server.BaseUrl,
        RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(retries),
    });

    [Fact]
    public void BaseUrl_IsLoopbackAndEndsInV1()
    {
        Assert.Equal("127.0.0.1", _server.BaseUrl.Host);
        Assert.NotEqual(0, _server.BaseUrl.Port);
        Assert.EndsWith("/v1/", _server.BaseUrl.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteChat_DefaultResponder_AnswersFromFirstTaggedSourceWithCitation()
    {
        var prompt = "Answer from the sources.\n<source id=\"2\" title=\"Leave\">Staff get 25 days of leave. Unused days expire.</source>\n"
            + "<source id=\"3\" title=\"Other\">Irrelevant.</source>\nQuestion: how much leave?";

        var completion = (await Sdk().GetChatClient("gpt-test").CompleteChatAsync(
            [new SystemChatMessage("You are grounded."), new UserChatMessage(prompt)])).Value;

        Assert.Equal("Staff get 25 days of leave. [2]", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("gpt-test", completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(7, completion.Usage.OutputTokenCount);
        var request = Assert.Single(_server.Requests);
        Assert.Equal(FakeOpenAiServer.ChatPath, request.Path);
        Assert.Equal("gpt-test", request.Model);
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
        Assert.Equal(prompt, request.LastUserMessage);
        Assert.False(request.Stream);
        Assert.Equal("Bearer sk-abc", request.Authorization);
    }

    [Fact]
    public async Task CompleteChatStreaming_ScriptedChunksAndUsage_ArriveInOrder()
    {
        _server.EnqueueChat(FakeReply.Answer("One two three four five six.").Streamed(3, TimeSpan.FromMilliseconds(5)));

        var parts = new List<string>();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Sdk().GetChatClient("m").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
        {
            parts.AddRange(update.ContentUpdate.Select(c => c.Text));
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("One two three four five six.", string.Concat(parts));
        Assert.True(parts.Count(p => p.Length > 0) == 3, string.Join("|", parts));
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(6, usage.OutputTokenCount);
        var request = Assert.Single(_server.Requests);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
    }

    [Fact]
    public async Task CompleteChatStreaming_AbortAfterChunks_ClientSeesPartialTextThenAnError()
    {
        _server.EnqueueChat(FakeReply.Answer("aaaa bbbb cccc dddd").Streamed(4).AbortingAfter(2));

        var parts = new List<string>();
        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in Sdk().GetChatClient("m").CompleteChatStreamingAsync([new UserChatMessage("hi")]))
            {
                parts.AddRange(update.ContentUpdate.Select(c => c.Text));
            }
        });

        Assert.NotNull(error);
        Assert.Equal("aaaa bbbb", string.Concat(parts));
    }

    [Fact]
    public async Task CompleteChat_ErrorReply_SdkSeesStatusRetryAfterAndErrorBody()
    {
        _server.EnqueueChat(FakeReply.Error(429, "Slow down.", TimeSpan.FromMilliseconds(1500)));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Sdk().GetChatClient("m").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(429, error.Status);
        Assert.Contains("Slow down.", error.Message, StringComparison.Ordinal);
        var headers = error.GetRawResponse()!.Headers;
        Assert.True(headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.Equal("2", retryAfter);
        Assert.True(headers.TryGetValue("retry-after-ms", out var ms));
        Assert.Equal("1500", ms);
    }

    [Fact]
    public async Task Requests_QueueThenResponder_QueueIsConsumedFirstAndCountsPerPath()
    {
        _server.EnqueueChat(FakeReply.Error(500));
        _server.Chat = _ => FakeReply.Answer("scripted");
        var chat = Sdk().GetChatClient("m");

        await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("a")]));
        var second = await chat.CompleteChatAsync([new UserChatMessage("b")]);
        await Sdk().GetOpenAIModelClient().GetModelsAsync();

        Assert.Equal("scripted", second.Value.Content[0].Text);
        Assert.Equal(2, _server.CountRequests(FakeOpenAiServer.ChatPath));
        Assert.Equal(2, _server.CountRequests("chat/completions"));
        Assert.Equal(1, _server.CountRequests(FakeOpenAiServer.ModelsPath));
        Assert.Equal(0, _server.CountRequests(FakeOpenAiServer.EmbeddingsPath));
    }

    [Fact]
    public async Task GetModels_ListsConfiguredModels()
    {
        _server.Models = ["alpha", "beta"];

        var models = (await Sdk().GetOpenAIModelClient().GetModelsAsync()).Value;

        Assert.Equal(["alpha", "beta"], models.Select(m => m.Id));
    }

    [Fact]
    public async Task GenerateEmbeddings_Base64AndFloatFormats_ReturnTheDeterministicUnitVectors()
    {
        var client = Sdk().GetEmbeddingClient("emb");

        var sdkVectors = (await client.GenerateEmbeddingsAsync(["alpha", "beta"], new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = 12 })).Value;
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(_server.BaseUrl, "embeddings"),
            new StringContent("{\"model\":\"emb\",\"input\":\"alpha\",\"dimensions\":12}", System.Text.Encoding.UTF8, "application/json"));
        var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var alpha = sdkVectors[0].ToFloats().ToArray();
        Assert.Equal(FakeOpenAiServer.EmbeddingFor("alpha", 12), alpha);
        Assert.NotEqual(alpha, sdkVectors[1].ToFloats().ToArray());
        Assert.Equal(1.0, Math.Sqrt(alpha.Sum(v => (double)v * v)), 4);
        var floats = json.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(alpha, floats);
        Assert.Equal("base64", _server.Requests[0].EncodingFormat);
        Assert.Equal(["alpha", "beta"], _server.Requests[0].Inputs);
    }

    [Fact]
    public async Task Hang_DisposeWhileClientWaits_ServerStopsPromptly()
    {
        var server = await FakeOpenAiServer.StartAsync();
        server.Chat = _ => FakeReply.Hang();
        var client = new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = server.BaseUrl, RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });
        var call = client.GetChatClient("m").CompleteChatAsync([new UserChatMessage("hi")]);
        await server.WaitForRequestsAsync(FakeOpenAiServer.ChatPath, 1, TimeSpan.FromSeconds(5));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await server.DisposeAsync();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1.5), watch.Elapsed.ToString());
        Assert.False(call.IsCompletedSuccessfully);
        await Assert.ThrowsAnyAsync<Exception>(() => call);
    }

    [Fact]
    public async Task Reset_AfterScripting_RestoresDefaultsAndForgetsRequests()
    {
        _server.EnqueueChat(FakeReply.Error(500));
        _server.Chat = _ => FakeReply.Error(503);
        _server.EmbeddingDimensions = 8;
        await Assert.ThrowsAsync<ClientResultException>(() => Sdk().GetChatClient("m").CompleteChatAsync([new UserChatMessage("a")]));

        _server.Reset();
        var answer = await Sdk().GetChatClient("m").CompleteChatAsync([new UserChatMessage("[1] Back to normal.")]);
        var vector = await Sdk().GetEmbeddingClient("e").GenerateEmbeddingAsync("x");

        Assert.Equal("Back to normal. [1]", answer.Value.Content[0].Text);
        Assert.Equal(256, vector.Value.ToFloats().Length);
        Assert.Equal(1, _server.CountRequests(FakeOpenAiServer.ChatPath));
    }
}
