using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Verity.Core.Embeddings;

namespace Verity.Core.Tests;

public sealed class HashingEmbeddingGeneratorTests
{
    private static float Cosine(float[] a, float[] b) => TensorPrimitives.CosineSimilarity(a, b);

    private static float Similarity(string a, string b)
    {
        var generator = new HashingEmbeddingGenerator();
        return Cosine(generator.Embed(a), generator.Embed(b));
    }

    [Fact]
    public void Embed_SameTextTwice_IdenticalVectors()
    {
        var generator = new HashingEmbeddingGenerator();

        Assert.Equal(generator.Embed("Rotate the TLS certificates every 90 days."), generator.Embed("Rotate the TLS certificates every 90 days."));
    }

    [Fact]
    public async Task GenerateAsync_TwoInstances_IdenticalVectors()
    {
        using var first = new HashingEmbeddingGenerator();
        using var second = new HashingEmbeddingGenerator();
        string[] texts = ["Rotate the TLS certificates every 90 days.", "The VPN client shows error 809."];

        var a = await first.GenerateAsync(texts);
        var b = await second.GenerateAsync(texts);

        Assert.Equal(2, a.Count);
        Assert.Equal(a[0].Vector.ToArray(), b[0].Vector.ToArray());
        Assert.Equal(a[1].Vector.ToArray(), b[1].Vector.ToArray());
        Assert.NotEqual(a[0].Vector.ToArray(), a[1].Vector.ToArray());
    }

    [Theory]
    [InlineData("Rotate the TLS certificates every 90 days.")]
    [InlineData("a")]
    [InlineData("the the the the")]
    [InlineData("Grüße aus 東京 — 2024")]
    public void Embed_AnyText_HasUnitLength(string text)
    {
        var vector = new HashingEmbeddingGenerator().Embed(text);

        Assert.Equal(1.0, TensorPrimitives.Norm(vector), 4);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(384)]
    [InlineData(1024)]
    public async Task GenerateAsync_ConfiguredDimensions_VectorsHaveThatLength(int dimensions)
    {
        using var generator = new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = dimensions });

        var embeddings = await generator.GenerateAsync(["certificate rotation"]);

        Assert.Equal(dimensions, generator.Dimensions);
        Assert.Equal(dimensions, embeddings[0].Vector.Length);
        Assert.Equal(dimensions, generator.Embed("anything").Length);
    }

    [Fact]
    public void Embed_TextsSharingWords_AreMoreSimilarThanUnrelatedTexts()
    {
        const string query = "How do I rotate the TLS certificates of the VPN gateway?";

        var related = Similarity(query, "The VPN gateway TLS certificates are rotated by the security team.");
        var unrelated = Similarity(query, "Bananas are rich in potassium and taste sweet.");

        Assert.True(related > unrelated + 0.3, $"related {related}, unrelated {unrelated}");
        Assert.True(related > 0.4, $"related {related}");
        Assert.InRange(unrelated, -0.2, 0.2);
    }

    [Fact]
    public void Embed_Inflections_AreClose()
    {
        var inflected = Similarity("rotate certificates", "rotating certificate");
        var otherVerb = Similarity("rotate certificates", "renew certificates");
        var unrelated = Similarity("rotate certificates", "parking spaces downtown");

        Assert.True(inflected > 0.9, $"inflected {inflected}");
        Assert.True(inflected > otherVerb, $"inflected {inflected}, other verb {otherVerb}");
        Assert.True(otherVerb > unrelated, $"other verb {otherVerb}, unrelated {unrelated}");
    }

    [Fact]
    public void Embed_SimilarSpelling_SharesCharacterNGrams()
    {
        var typo = Similarity("certificate", "certifcate");
        var unrelated = Similarity("certificate", "banana");

        Assert.True(typo > 0.3, $"typo {typo}");
        Assert.True(typo > unrelated + 0.3, $"typo {typo}, unrelated {unrelated}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("?!…")]
    public void Embed_TextWithoutWords_ReturnsFiniteZeroVector(string text)
    {
        var vector = new HashingEmbeddingGenerator().Embed(text);

        Assert.Equal(512, vector.Length);
        Assert.All(vector, v => Assert.True(float.IsFinite(v)));
        Assert.All(vector, v => Assert.Equal(0f, v));
    }

    [Fact]
    public async Task GenerateAsync_EmptyString_DoesNotThrow()
    {
        using var generator = new HashingEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync([""]);

        Assert.All(embeddings[0].Vector.ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void GetService_Metadata_ReportsModelIdAndDimensions()
    {
        using IEmbeddingGenerator<string, Embedding<float>> generator =
            new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = 256 });

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal(((HashingEmbeddingGenerator)generator).ModelId, metadata.DefaultModelId);
        Assert.Contains("d256", metadata.DefaultModelId, StringComparison.Ordinal);
        Assert.Equal(256, metadata.DefaultModelDimensions);
        Assert.False(string.IsNullOrEmpty(metadata.ProviderName));
    }

    [Fact]
    public void GetService_OwnTypeOrInterface_ReturnsGenerator()
    {
        using var generator = new HashingEmbeddingGenerator();

        Assert.Same(generator, generator.GetService(typeof(HashingEmbeddingGenerator)));
        Assert.Same(generator, generator.GetService(typeof(IEmbeddingGenerator<string, Embedding<float>>)));
        Assert.Null(generator.GetService(typeof(string)));
        Assert.Null(generator.GetService(typeof(EmbeddingGeneratorMetadata), serviceKey: "other"));
    }

    [Fact]
    public async Task GenerateAsync_Embeddings_CarryModelId()
    {
        using var generator = new HashingEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["a", "b", "c"]);

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(generator.ModelId, e.ModelId));
    }

    [Fact]
    public async Task GenerateAsync_CancelledToken_Throws()
    {
        using var generator = new HashingEmbeddingGenerator();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => generator.GenerateAsync(["a"], cancellationToken: cancellation.Token));
    }

    [Fact]
    public void ModelId_DifferentOptions_DifferentIds()
    {
        var ids = new[]
        {
            new HashingEmbeddingOptions().ModelId,
            new HashingEmbeddingOptions { Dimensions = 256 }.ModelId,
            new HashingEmbeddingOptions { MinCharNGram = 2 }.ModelId,
            new HashingEmbeddingOptions { MaxCharNGram = 4 }.ModelId,
        };

        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(15)]
    [InlineData(16385)]
    public void Constructor_InvalidDimensions_Throws(int dimensions) =>
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new HashingEmbeddingGenerator(new HashingEmbeddingOptions { Dimensions = dimensions }));

    [Theory]
    [InlineData(0, 3)]
    [InlineData(4, 3)]
    public void Constructor_InvalidCharNGramRange_Throws(int min, int max) =>
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new HashingEmbeddingGenerator(new HashingEmbeddingOptions { MinCharNGram = min, MaxCharNGram = max }));
}
