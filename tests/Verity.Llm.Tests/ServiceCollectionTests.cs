using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Verity.Core;
using Verity.Core.Caching;
using Verity.Core.Generation;

namespace Verity.Llm.Tests;

public sealed class ServiceCollectionTests : ServerTest
{
    private LlmOptions Options()
    {
        var primary = TestEndpoints.Chat(Server);
        var options = new LlmOptions
        {
            Endpoint = primary.Endpoint,
            Model = "big-model",
            ApiKey = TestEndpoints.Key,
            MaxOutputTokens = 700,
            Temperature = 0.2f,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        };
        options.Fallbacks.Add(new ModelEndpointOptions { Endpoint = primary.Endpoint, Model = "small-model" });
        options.Fallbacks.Add(new ModelEndpointOptions { Name = "local", Endpoint = primary.Endpoint, Model = "tiny-model", MaxOutputTokens = 256 });
        options.Embeddings = TestEndpoints.Embeddings(Server, dimensions: 24);
        return options;
    }

    [Fact]
    public void AddVerityLlm_NothingConfigured_RegistersNothing()
    {
        var services = new ServiceCollection();

        services.AddVerityLlm(new LlmOptions());

        Assert.Empty(services);
    }

    [Fact]
    public void AddVerityLlm_InvalidOptions_Throws()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddVerityLlm(new LlmOptions { Endpoint = "not a url", Model = "m" }));

        Assert.Contains("Llm:Endpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVerityLlm_Chain_ResolvesChatModelsInFallbackOrder()
    {
        using var provider = new ServiceCollection().AddVerityLlm(Options()).BuildServiceProvider();

        var models = provider.GetServices<ChatModel>().ToList();

        Assert.Equal(["primary", "fallback-1", "local"], models.Select(m => m.Name));
        Assert.Equal(["big-model", "small-model", "tiny-model"], models.Select(m => m.Model));
        Assert.Equal([700, 1024, 256], models.Select(m => m.MaxOutputTokens));
        Assert.Equal(0.2f, models[0].Temperature);
        Assert.All(models, m => Assert.IsType<ResilientChatClient>(m.Client));
        Assert.Same(models[0], provider.GetServices<ChatModel>().First());
    }

    [Fact]
    public void AddVerityLlm_ModelEndpoints_ListsEveryEndpointBeforeAnyCall()
    {
        using var provider = new ServiceCollection().AddVerityLlm(Options()).BuildServiceProvider();

        var status = provider.GetRequiredService<ModelEndpoints>().GetStatus();

        Assert.Equal(["primary", "fallback-1", "local", "embeddings"], status.Select(s => s.Name));
        Assert.Equal(ModelEndpointKind.Embeddings, status[3].Kind);
        Assert.All(status, s => Assert.Equal(CircuitStatus.Closed, s.State));
    }

    [Fact]
    public async Task AddVerityLlm_ThenAddVerityCore_TheRemoteEmbedderWinsAndAnswers()
    {
        var services = new ServiceCollection().AddVerityLlm(Options());
        services.AddVerityCore(new VerityCoreOptions());
        await using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var embeddings = await generator.GenerateAsync(["hello"]);
        var answer = await provider.GetServices<ChatModel>().Last().Client.GetResponseAsync([new ChatMessage(ChatRole.User, "[1] Hi there.")]);

        Assert.IsType<ResilientEmbeddingGenerator>(generator);
        Assert.Equal(24, embeddings[0].Vector.Length);
        Assert.Equal(24, generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
        Assert.Equal("Hi there. [1]", answer.Text);
        Assert.Equal("tiny-model", Server.Requests[^1].Model);
    }

    [Fact]
    public void AddVerityLlm_EmbeddingsOnly_RegistersNoChatModel()
    {
        var options = new LlmOptions { Embeddings = TestEndpoints.Embeddings(Server) };
        using var provider = new ServiceCollection().AddVerityLlm(options).BuildServiceProvider();

        Assert.Empty(provider.GetServices<ChatModel>());
        Assert.IsType<ResilientEmbeddingGenerator>(provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(["embeddings"], provider.GetRequiredService<ModelEndpoints>().GetStatus().Select(s => s.Name));
    }

    [Fact]
    public void AddVerityRedisCache_ReplacesAnEarlierCache()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IVerityCache, NullCache>();

        services.AddVerityRedisCache("127.0.0.1:1");
        using var provider = services.BuildServiceProvider();

        var cache = Assert.Single(provider.GetServices<IVerityCache>());
        Assert.Equal("redis", cache.Kind);
    }

    private sealed class NullCache : IVerityCache
    {
        public string Kind => "null";

        public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => ValueTask.FromResult<byte[]?>(null);

        public ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
