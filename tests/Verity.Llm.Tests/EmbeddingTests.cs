using Microsoft.Extensions.AI;
using Verity.Core;
using Verity.Testing.OpenAi;

namespace Verity.Llm.Tests;

public sealed class EmbeddingTests : ServerTest
{
    [Fact]
    public async Task GenerateAsync_HealthyEndpoint_ReturnsTheServersVectorsInOrder()
    {
        using var generator = EmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["first text", "second text"]);

        Assert.Equal(2, embeddings.Count);
        Assert.Equal(FakeOpenAiServer.EmbeddingFor("first text", 32), embeddings[0].Vector.ToArray());
        Assert.Equal(FakeOpenAiServer.EmbeddingFor("second text", 32), embeddings[1].Vector.ToArray());
        var request = Assert.Single(Server.Requests);
        Assert.Equal(32, request.Dimensions);
        Assert.Equal("fake-embedding", request.Model);
        Assert.NotNull(embeddings.Usage);
        Assert.Equal(4, embeddings.Usage.InputTokenCount);
    }

    [Fact]
    public void GetService_Metadata_CarriesTheConfiguredModelAndDimensions()
    {
        using var generator = EmbeddingGenerator(o => o.Dimensions = 48);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("fake-embedding", metadata.DefaultModelId);
        Assert.Equal(48, metadata.DefaultModelDimensions);
        Assert.Equal("embeddings", generator.Name);
        Assert.Same(generator, generator.GetService<ResilientEmbeddingGenerator>());
    }

    [Fact]
    public async Task GenerateAsync_MoreInputsThanBatchSize_SendsBatchesAndKeepsOrder()
    {
        using var generator = EmbeddingGenerator(o => o.BatchSize = 3);
        var inputs = Enumerable.Range(0, 7).Select(i => $"text {i}").ToList();

        var embeddings = await generator.GenerateAsync(inputs);

        Assert.Equal([3, 3, 1], Server.Requests.Select(r => r.Inputs.Count));
        Assert.Equal(inputs, Server.Requests.SelectMany(r => r.Inputs));
        Assert.Equal(inputs.Select(i => FakeOpenAiServer.EmbeddingFor(i, 32)), embeddings.Select(e => e.Vector.ToArray()));
        Assert.Equal(7 * 2, embeddings.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task GenerateAsync_NoInputs_SendsNothing()
    {
        using var generator = EmbeddingGenerator();

        var embeddings = await generator.GenerateAsync([]);

        Assert.Empty(embeddings);
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public async Task GenerateAsync_VectorsOfAnotherSize_AreRefusedWithoutRetry()
    {
        Server.Embeddings = _ => FakeReply.Vectors(16);
        using var generator = EmbeddingGenerator();

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => generator.GenerateAsync(["text"]));

        Assert.Equal("embeddings", error.Model);
        Assert.StartsWith("embeddings (fake-embedding) is unavailable: returned 16-dimensional vectors but Dimensions is 32", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, Server.CountRequests(FakeOpenAiServer.EmbeddingsPath));
        Assert.StartsWith("returned 16-dimensional vectors", Status("embeddings").LastError, StringComparison.Ordinal);
        Assert.Equal(CircuitStatus.Closed, Status("embeddings").State);
    }

    [Fact]
    public async Task GenerateAsync_WithoutRequestDimensions_SendsNoneAndChecksTheServersSize()
    {
        Server.EmbeddingDimensions = 32;
        using var generator = EmbeddingGenerator(o => o.RequestDimensions = false);

        var embeddings = await generator.GenerateAsync(["text"]);

        Assert.Null(Assert.Single(Server.Requests).Dimensions);
        Assert.Equal(32, Assert.Single(embeddings).Vector.Length);
        Assert.Equal(32, generator.GetService<EmbeddingGeneratorMetadata>()!.DefaultModelDimensions);
    }

    [Fact]
    public async Task GenerateAsync_TransientFailure_IsRetried()
    {
        Server.EnqueueEmbeddings(FakeReply.Error(503), FakeReply.Error(429));
        using var generator = EmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["text"]);

        Assert.Single(embeddings);
        Assert.Equal(3, Server.CountRequests(FakeOpenAiServer.EmbeddingsPath));
    }

    [Fact]
    public async Task GenerateAsync_HangingEndpoint_TimesOutAsModelUnavailable()
    {
        Server.Embeddings = _ => FakeReply.Hang();
        using var generator = EmbeddingGenerator(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(150);
            o.MaxRetries = 0;
        });

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() => generator.GenerateAsync(["text"]));

        Assert.Equal("embeddings (fake-embedding) is unavailable: no response within 0.15 s", error.Message);
    }

    [Fact]
    public async Task GenerateAsync_RepeatedFailures_OpenTheCircuit()
    {
        Server.Embeddings = _ => FakeReply.Error(500);
        using var generator = EmbeddingGenerator(o =>
        {
            o.MaxRetries = 0;
            o.MinimumThroughput = 2;
        });

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<ModelUnavailableException>(() => generator.GenerateAsync(["text"]));
        }

        var status = Status("embeddings");
        Assert.Equal(CircuitStatus.Open, status.State);
        Assert.Equal(ModelEndpointKind.Embeddings, status.Kind);
        Assert.Equal(2, Server.CountRequests(FakeOpenAiServer.EmbeddingsPath));
    }

    [Fact]
    public async Task GenerateAsync_CallerCancels_ThrowsOperationCanceled()
    {
        Server.Embeddings = _ => FakeReply.Hang();
        using var generator = EmbeddingGenerator();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var error = await Record.ExceptionAsync(() => generator.GenerateAsync(["text"], cancellationToken: cancellation.Token));

        Assert.IsAssignableFrom<OperationCanceledException>(error);
    }
}
