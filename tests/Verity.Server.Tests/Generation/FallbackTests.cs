using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Generation;

/// <summary>The fallback chain seen through Verity: primary, then the fallback model, then the extractive answer, each
/// step marked degraded and every answer still cited.</summary>
public sealed class FallbackTests(FallbackTests.TwoModels fixture) : IClassFixture<FallbackTests.TwoModels>, IDisposable
{
    private readonly HttpClient _client = fixture.Client;

    public void Dispose()
    {
        fixture.Model.Chat = null;
        fixture.Model.ClearRequests();
    }

    [Fact]
    public async Task Chat_PrimaryReturns503_FallbackModelAnswersDegradedAfterThePrimaryWasTried()
    {
        fixture.Model.Chat = request => request.Model == GenerationFixture.ChatModel ? FakeReply.Error(503) : FakeOpenAiServer.GroundedAnswer(request);

        var body = await AskAsync("Which error does the Pangolin client show?");

        Assert.Equal([GenerationFixture.ChatModel, TwoModels.FallbackModel], fixture.ChatRequests.Select(r => r.Model));
        Assert.Equal("fallback", body.GetProperty("generator").GetString());
        Assert.Equal(TwoModels.FallbackModel, body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("degraded").GetBoolean());
        Assert.Contains(body.GetProperty("degradations").EnumerateArray(), d => d.GetString()!.StartsWith("primary", StringComparison.Ordinal));
        Assert.True(body.GetProperty("grounded").GetBoolean());
        Assert.Contains("809", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_BothModelsDown_ExtractiveAnswerDegradedStillCitedAndGrounded()
    {
        fixture.Model.Chat = _ => FakeReply.Error(503, "The model is overloaded.");

        var body = await AskAsync("How soon must the on-call engineer acknowledge a page?");

        Assert.Equal([GenerationFixture.ChatModel, TwoModels.FallbackModel], fixture.ChatRequests.Select(r => r.Model));
        Assert.Equal("extractive", body.GetProperty("generator").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("model").ValueKind);
        Assert.True(body.GetProperty("degraded").GetBoolean());
        Assert.Equal(2, body.GetProperty("degradations").GetArrayLength());
        Assert.True(body.GetProperty("grounded").GetBoolean());
        Assert.NotEmpty(body.GetProperty("citations").EnumerateArray());
        Assert.Contains("5 minutes", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Matches(@"\[\d\]", body.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task Chat_PrimaryStalls_TimesOutAndTheFallbackAnswers()
    {
        fixture.Model.Chat = request => request.Model == GenerationFixture.ChatModel ? FakeReply.Hang() : FakeOpenAiServer.GroundedAnswer(request);

        var body = await AskAsync("How many bicycle spaces does the garage have?");

        Assert.Equal("fallback", body.GetProperty("generator").GetString());
        Assert.True(body.GetProperty("degraded").GetBoolean());
        Assert.True(body.GetProperty("latency_ms").GetDouble() < 5_000);
        Assert.Contains("forty", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_DegradedAnswer_IsNotCachedSoTheRecoveredModelAnswersNext()
    {
        const string question = "How much colour printing is allowed per month?";
        fixture.Model.Chat = _ => FakeReply.Error(503);
        var degraded = await AskAsync(question);
        fixture.Model.Chat = null;
        var recovered = await AskAsync(question);

        Assert.Equal("extractive", degraded.GetProperty("generator").GetString());
        Assert.False(recovered.GetProperty("cached").GetBoolean());
        Assert.Equal("primary", recovered.GetProperty("generator").GetString());
        Assert.False(recovered.GetProperty("degraded").GetBoolean());
    }

    [Fact]
    public async Task Stream_PrimaryDownBeforeWriting_NoRetractAndTheFallbackStreamsTheAnswer()
    {
        fixture.Model.Chat = request => request.Model == GenerationFixture.ChatModel
            ? FakeReply.Error(500)
            : FakeOpenAiServer.GroundedAnswer(request).Streamed(3);

        var events = await EventStream.ChatAsync(_client, new { question = "Where are car spaces booked?", stream = true });

        Assert.DoesNotContain(events, e => e.Type == "retract");
        var answering = events.Where(e => e.Type == "answering").Select(e => e.Json.GetProperty("generator").GetString()).ToList();
        Assert.Equal("fallback", answering[^1]);
        var done = events[^1].Json;
        Assert.Equal("fallback", done.GetProperty("generator").GetString());
        Assert.True(done.GetProperty("degraded").GetBoolean());
        Assert.Equal(EventStream.Answer(events), done.GetProperty("answer").GetString());
    }

    private async Task<JsonElement> AskAsync(string question)
    {
        var response = await _client.PostAsJsonAsync("/v1/chat", new { question });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>A primary and a fallback model, both served by the one fake server under different model ids.</summary>
    public sealed class TwoModels : GenerationFixture
    {
        public const string FallbackModel = "fake-fallback";

        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings["Llm:Timeout"] = Seconds(0.5);
            settings["Llm:Fallbacks:0:Name"] = "fallback";
            settings["Llm:Fallbacks:0:Endpoint"] = settings["Llm:Endpoint"];
            settings["Llm:Fallbacks:0:Model"] = FallbackModel;
            settings["Llm:Fallbacks:0:Timeout"] = Seconds(2);
            settings["Llm:Fallbacks:0:MaxRetries"] = "0";
            settings["Llm:Fallbacks:0:MinimumThroughput"] = "1000";
            settings["Llm:Fallbacks:0:BreakDuration"] = Seconds(0.5);
        }
    }
}
