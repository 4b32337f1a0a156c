using Microsoft.Extensions.AI;
using Verity.Testing.OpenAi;

namespace Verity.Llm.Tests;

/// <summary>A fresh fake server and endpoint registry per test.</summary>
public abstract class ServerTest : IAsyncLifetime
{
    protected FakeOpenAiServer Server { get; private set; } = null!;

    protected ShiftableClock Clock { get; } = new();

    protected ModelEndpoints Endpoints { get; private set; } = null!;

    protected ListLogger Logs { get; } = new();

    public async Task InitializeAsync()
    {
        Server = await FakeOpenAiServer.StartAsync();
        Endpoints = new ModelEndpoints(Clock);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected ModelEndpointOptions ChatOptions(Action<ModelEndpointOptions>? configure = null)
    {
        var options = TestEndpoints.Chat(Server);
        configure?.Invoke(options);
        return options;
    }

    protected ResilientChatClient ChatClient(Action<ModelEndpointOptions>? configure = null)
    {
        var options = ChatOptions(configure);
        return new ResilientChatClient(OpenAiCompatibleClients.CreateChatClient(options), options, Endpoints, Logs.For<ResilientChatClient>());
    }

    protected ResilientEmbeddingGenerator EmbeddingGenerator(Action<EmbeddingEndpointOptions>? configure = null)
    {
        var options = TestEndpoints.Embeddings(Server);
        configure?.Invoke(options);
        return new ResilientEmbeddingGenerator(
            OpenAiCompatibleClients.CreateEmbeddingGenerator(options), options, Endpoints, Logs.For<ResilientEmbeddingGenerator>());
    }

    protected static List<ChatMessage> Question(string text = "What is the leave policy?") => [new(ChatRole.User, text)];

    protected static async Task<List<ChatResponseUpdate>> CollectAsync(
        IAsyncEnumerable<ChatResponseUpdate> updates, List<ChatResponseUpdate>? into = null)
    {
        into ??= [];
        await foreach (var update in updates)
        {
            into.Add(update);
        }

        return into;
    }

    protected ModelEndpointStatus Status(string name = "primary") => Endpoints.GetStatus(name)!;
}
