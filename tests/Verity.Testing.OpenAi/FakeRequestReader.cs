using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Verity.Testing.OpenAi;

/// <summary>Parses an incoming request tolerantly: unknown fields are ignored, message content may be a string or
/// an array of parts, embedding input a string or an array of strings.</summary>
internal static class FakeRequestReader
{
    /// <summary>The parsed request, or null when the body is not JSON (a 400 has then been written).</summary>
    public static async Task<FakeRequest?> ReadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var http = context.Request;
        var path = http.Path.Value ?? "/";
        while (path.Contains("//", StringComparison.Ordinal))
        {
            path = path.Replace("//", "/", StringComparison.Ordinal);
        }

        using var reader = new StreamReader(http.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var request = new FakeRequest(http.Method, path, null, [], false, Header(http, "Authorization"))
        {
            ApiKeyHeader = Header(http, "api-key"),
            Body = body,
            ReceivedAt = DateTimeOffset.UtcNow,
        };
        if (body.Length == 0)
        {
            return request;
        }

        JsonObject? json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            json = null;
        }

        if (json is null)
        {
            await FakeResponseWriter.WriteErrorAsync(context, FakeReply.Error(400, "The body is not a JSON object."), cancellationToken);
            return null;
        }

        return request with
        {
            Model = String(json["model"]),
            Messages = Messages(json["messages"]),
            Stream = json["stream"] is JsonValue stream && stream.TryGetValue<bool>(out var s) && s,
            IncludeUsage = json["stream_options"]?["include_usage"] is JsonValue usage && usage.TryGetValue<bool>(out var u) && u,
            MaxTokens = Int(json["max_completion_tokens"]) ?? Int(json["max_tokens"]),
            Temperature = json["temperature"] is JsonValue t && t.TryGetValue<double>(out var temperature) ? temperature : null,
            Inputs = Inputs(json["input"]),
            Dimensions = Int(json["dimensions"]),
            EncodingFormat = String(json["encoding_format"]),
        };
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    private static string? String(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<int>(out var i) ? i : null;

    private static List<FakeMessage> Messages(JsonNode? node) =>
        node is JsonArray messages
            ? messages.OfType<JsonObject>().Select(m => new FakeMessage(String(m["role"]) ?? "", Content(m["content"]))).ToList()
            : [];

    private static string Content(JsonNode? node) => node switch
    {
        JsonValue value => value.TryGetValue<string>(out var s) ? s : "",
        JsonArray parts => string.Concat(parts.OfType<JsonObject>()
            .Where(p => String(p["type"]) is null or "text")
            .Select(p => String(p["text"]) ?? "")),
        _ => "",
    };

    private static List<string> Inputs(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var single) => [single],
        JsonArray values => values.Select(v => String(v) ?? "").ToList(),
        _ => [],
    };
}
