using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Verity.Server.Tests.Generation;

/// <summary>One Server-Sent Event as received, with when it arrived (since the request was sent).</summary>
internal sealed record ReceivedEvent(string Type, string Data, TimeSpan At)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement;
}

/// <summary>Posts a streaming request and reads its events as they arrive, with the client's own SSE parser.</summary>
internal static class EventStream
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        // Headers only: the body is read while the server writes it.
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public static async IAsyncEnumerable<ReceivedEvent> ReadAsync(HttpResponseMessage response)
    {
        var clock = Stopwatch.StartNew();
        await using var stream = await response.Content.ReadAsStreamAsync();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync())
        {
            yield return new ReceivedEvent(item.EventType, item.Data, clock.Elapsed);
        }
    }

    public static async Task<List<ReceivedEvent>> ReadAllAsync(HttpResponseMessage response)
    {
        var events = new List<ReceivedEvent>();
        await foreach (var received in ReadAsync(response))
        {
            events.Add(received);
        }

        return events;
    }

    /// <summary>Streams <c>POST /v1/chat</c> and returns every event.</summary>
    public static async Task<List<ReceivedEvent>> ChatAsync(HttpClient client, object body)
    {
        using var response = await PostAsync(client, "/v1/chat", body);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return await ReadAllAsync(response);
    }

    /// <summary>The answer a client shows: the tokens since the last <c>answering</c> event.</summary>
    public static string Answer(IEnumerable<ReceivedEvent> events)
    {
        var text = new System.Text.StringBuilder();
        foreach (var e in events)
        {
            switch (e.Type)
            {
                case "answering":
                    text.Clear();
                    break;
                case "token":
                    text.Append(e.Json.GetProperty("text").GetString());
                    break;
            }
        }

        return text.ToString();
    }
}
