using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Generation;

/// <summary><c>POST /v1/chat</c> answered by a model: the response's metadata, citations checked against the sources,
/// small talk without search or model, and the answer cache with its invalidation.</summary>
public sealed class ChatAnswerTests(GenerationFixture fixture) : IClassFixture<GenerationFixture>, IDisposable
{
    private readonly HttpClient _client = fixture.Client;

    public void Dispose()
    {
        fixture.Model.Chat = null;
        fixture.Model.ClearRequests();
    }

    [Fact]
    public async Task Chat_ModelAnswers_ResponseDescribesTheAnswerCompletely()
    {
        const string question = "Which error does the Pangolin client show?";

        var body = await AskAsync(new { question });

        Assert.Contains("809", Answer(body), StringComparison.Ordinal);
        Assert.True(body.GetProperty("grounded").GetBoolean());
        Assert.Equal([1], body.GetProperty("citations").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal("primary", body.GetProperty("generator").GetString());
        Assert.Equal(GenerationFixture.ChatModel, body.GetProperty("model").GetString());
        Assert.Equal("retrieval", body.GetProperty("route").GetString());
        Assert.Equal(question, body.GetProperty("search_query").GetString());
        Assert.False(body.GetProperty("degraded").GetBoolean());
        Assert.Empty(body.GetProperty("degradations").EnumerateArray());
        Assert.False(body.GetProperty("cached").GetBoolean());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("template").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("index_version").GetString()));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("notice").ValueKind);
        Assert.Empty(body.GetProperty("removed_citations").EnumerateArray());

        // The fake model counts words; what matters is that the model's numbers arrive intact.
        var usage = body.GetProperty("usage");
        var sent = fixture.ChatRequests.Single();
        Assert.Equal(sent.Messages.Sum(m => 4 + m.Content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length), usage.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(Answer(body).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length, usage.GetProperty("completion_tokens").GetInt64());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64() + usage.GetProperty("completion_tokens").GetInt64(), usage.GetProperty("total_tokens").GetInt64());

        var check = body.GetProperty("citation_check");
        Assert.Equal(1, check.GetProperty("sentences").GetInt32());
        Assert.Equal(1, check.GetProperty("cited_sentences").GetInt32());
        Assert.Equal(1, check.GetProperty("supported_sentences").GetInt32());
        Assert.Equal(1.0, check.GetProperty("cited_share").GetDouble());
        Assert.Equal(0, check.GetProperty("invalid_citations").GetInt32());
    }

    [Fact]
    public async Task Chat_ModelCitesASourceItWasNotGiven_MarkerRemovedAndReported()
    {
        fixture.Model.Chat = _ => FakeReply.Answer(
            "Rotations change every Monday at 10:00 UTC. [1] Engineers may also swap shifts with the duty manager. [9]");

        var body = await AskAsync(new { question = "When do on-call rotations change?", top_k = 3 });

        Assert.True(body.GetProperty("sources").GetArrayLength() is > 0 and <= 3);
        Assert.DoesNotContain("[9]", Answer(body), StringComparison.Ordinal);
        Assert.Contains("Monday at 10:00 UTC. [1]", Answer(body), StringComparison.Ordinal);
        Assert.Equal([9], body.GetProperty("removed_citations").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal([1], body.GetProperty("citations").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal(2, body.GetProperty("citation_check").GetProperty("sentences").GetInt32());
        Assert.Equal(1, body.GetProperty("citation_check").GetProperty("cited_sentences").GetInt32());
    }

    [Fact]
    public async Task Chat_ModelAnswersWithoutCitations_NotGroundedAndTheResponseSaysSo()
    {
        fixture.Model.Chat = _ => FakeReply.Answer("Expenses are usually approved by your manager within a week. Keep your receipts somewhere safe.");

        var body = await AskAsync(new { question = "How are travel expenses approved?" });

        Assert.False(body.GetProperty("grounded").GetBoolean());
        Assert.Empty(body.GetProperty("citations").EnumerateArray());
        Assert.Equal(0.0, body.GetProperty("citation_check").GetProperty("cited_share").GetDouble());
        Assert.Contains("not", body.GetProperty("notice").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("primary", body.GetProperty("generator").GetString());
    }

    [Theory]
    [InlineData("hi")]
    [InlineData("Thanks!")]
    public async Task Chat_SmallTalk_AnsweredWithoutSearchingOrCallingTheModel(string message)
    {
        var body = await AskAsync(new { question = message });

        Assert.Equal("small_talk", body.GetProperty("route").GetString());
        Assert.Equal("router", body.GetProperty("generator").GetString());
        Assert.False(string.IsNullOrWhiteSpace(Answer(body)));
        Assert.Empty(body.GetProperty("sources").EnumerateArray());
        Assert.Equal(0.0, body.GetProperty("retrieval_ms").GetDouble());
        Assert.Empty(fixture.Model.Requests);
    }

    [Fact]
    public async Task Stream_SmallTalk_StreamsTheReplyWithNoSources()
    {
        var events = await EventStream.ChatAsync(_client, new { question = "hello", stream = true });

        Assert.Equal("router", events[0].Json.GetProperty("generator").GetString());
        Assert.Equal(0, events.Single(e => e.Type == "sources").Json.GetArrayLength());
        Assert.Equal(EventStream.Answer(events), events[^1].Json.GetProperty("answer").GetString());
        Assert.Empty(fixture.Model.Requests);
    }

    [Fact]
    public async Task Chat_SameQuestionTwice_SecondIsCachedAndTheModelAnsweredOnce()
    {
        const string question = "How many coffee machines does the kitchen have?";
        var first = await AskAsync(new { question });
        var second = await AskAsync(new { question = "  how many COFFEE machines does the kitchen have? " });
        var streamed = await EventStream.ChatAsync(_client, new { question, stream = true });

        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(second.GetProperty("cached").GetBoolean());
        Assert.Equal(Answer(first), Answer(second));
        Assert.Equal(first.GetProperty("sources").ToString(), second.GetProperty("sources").ToString());
        Assert.True(streamed[^1].Json.GetProperty("cached").GetBoolean());
        Assert.Equal(Answer(first), EventStream.Answer(streamed));
        Assert.Single(fixture.ChatRequests);
    }

    [Fact]
    public async Task Chat_DocumentChangesBetweenTwoAsks_SecondMissesTheCacheAndAnswersFromTheNewText()
    {
        const string question = "When are the lockers emptied?";
        await PutAsync("kb/lockers", "# Lockers\n\nLockers on the second floor are emptied every Friday evening.");
        var before = await AskAsync(new { question });
        await PutAsync("kb/lockers", "# Lockers\n\nLockers on the second floor are emptied every Monday morning.");
        var after = await AskAsync(new { question });

        Assert.Contains("Friday evening", Answer(before), StringComparison.Ordinal);
        Assert.False(after.GetProperty("cached").GetBoolean());
        Assert.Contains("Monday morning", Answer(after), StringComparison.Ordinal);
        Assert.NotEqual(before.GetProperty("index_version").GetString(), after.GetProperty("index_version").GetString());
        Assert.Equal(2, fixture.ChatRequests.Count);
    }

    private async Task<JsonElement> AskAsync(object body)
    {
        var response = await _client.PostAsJsonAsync("/v1/chat", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private async Task PutAsync(string id, string text)
    {
        var response = await _client.PostAsJsonAsync("/v1/documents", new { id, title = "Lockers", text, media_type = "text/markdown" });
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private static string Answer(JsonElement body) => body.GetProperty("answer").GetString()!;
}
