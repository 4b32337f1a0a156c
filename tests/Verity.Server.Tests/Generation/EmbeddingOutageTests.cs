using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Generation;

/// <summary>A remote embedding endpoint that goes down: questions are still answered from lexical search, marked
/// degraded with the reason, and the index never receives vectors from another model.</summary>
public sealed class EmbeddingOutageTests(EmbeddingOutageTests.RemoteEmbeddings fixture)
    : IClassFixture<EmbeddingOutageTests.RemoteEmbeddings>, IDisposable
{
    public void Dispose()
    {
        fixture.Model.Embeddings = null;
        fixture.Model.Chat = null;
        fixture.Model.ClearRequests();
    }

    [Fact]
    public async Task Chat_EmbeddingEndpointDown_AnswersFromLexicalSearchDegradedWithTheReason()
    {
        var model = await EmbeddingModelAsync();
        fixture.Model.Embeddings = _ => FakeReply.Error(503);

        var response = await fixture.Client.PostAsJsonAsync("/v1/chat", new { question = "Which error does the Pangolin client show before a restart?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.True(body.GetProperty("degraded").GetBoolean());
        Assert.Contains(body.GetProperty("degradations").EnumerateArray(), d => d.GetString()!.Contains(RemoteEmbeddings.EmbeddingModel, StringComparison.Ordinal)
            && d.GetString()!.Contains("keyword search", StringComparison.Ordinal));
        Assert.True(body.GetProperty("grounded").GetBoolean());
        Assert.Contains("809", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Equal("kb/vpn", body.GetProperty("sources")[0].GetProperty("document_id").GetString());
        Assert.True(fixture.Model.CountRequests(FakeOpenAiServer.EmbeddingsPath) >= 1, "the embedding endpoint was tried");
        Assert.Equal("primary", body.GetProperty("generator").GetString());
        Assert.Equal(model, await EmbeddingModelAsync());
    }

    [Fact]
    public async Task Ingest_EmbeddingEndpointDown_RefusedRatherThanEmbeddedWithAnotherModel()
    {
        var model = await EmbeddingModelAsync();
        fixture.Model.Embeddings = _ => FakeReply.Error(503);

        var response = await fixture.Client.PostAsJsonAsync("/v1/documents", new { id = "kb/outage", text = "Written while the embedding model was down." });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(model, await EmbeddingModelAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client.GetAsync("/v1/documents/kb/outage")).StatusCode);
    }

    [Fact]
    public async Task Index_BuiltWithTheRemoteModel_NamesItNotTheHashingEmbedder()
    {
        var model = await EmbeddingModelAsync();

        Assert.Contains(RemoteEmbeddings.EmbeddingModel, model, StringComparison.Ordinal);
        Assert.DoesNotContain("hashing", model, StringComparison.Ordinal);
        var document = await (await fixture.Client.GetAsync("/v1/documents/kb/vpn")).ReadJsonAsync();
        Assert.Equal(model, document.GetProperty("embedding_model").GetString());
    }

    private async Task<string> EmbeddingModelAsync()
    {
        var ready = await (await fixture.Client.GetAsync("/readyz")).ReadJsonAsync();
        return ready.GetProperty("embedding_model").GetString()!;
    }

    /// <summary>Embeddings from the fake server too (the corpus is embedded by it while it is up).</summary>
    public sealed class RemoteEmbeddings : GenerationFixture
    {
        public const string EmbeddingModel = "fake-embedding";

        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings["Llm:Embeddings:Endpoint"] = settings["Llm:Endpoint"];
            settings["Llm:Embeddings:Model"] = EmbeddingModel;
            settings["Llm:Embeddings:Dimensions"] = "64";
            settings["Llm:Embeddings:Timeout"] = Seconds(2);
            settings["Llm:Embeddings:MaxRetries"] = "0";
            settings["Llm:Embeddings:MinimumThroughput"] = "1000";
            settings["Llm:Embeddings:BreakDuration"] = Seconds(0.5);
        }
    }
}
