using System.Text;
using System.Text.Json;
using Verity.Server.Contracts;

namespace Verity.Server.Endpoints;

/// <summary>Reading a Chat Completions conversation, and writing what an OpenAI client shows.</summary>
internal static class OpenAiMessages
{
    /// <summary>No model wrote the answer (extractive, small talk, cached): it cost no tokens.</summary>
    public static readonly UsageDto NoUsage = new(0, 0, 0);

    /// <summary>The text of the last <c>user</c> message; null when the conversation has none.</summary>
    public static string? Question(IReadOnlyList<OpenAiMessage>? messages)
    {
        var last = messages?.LastOrDefault(m => string.Equals(m?.Role, "user", StringComparison.OrdinalIgnoreCase));
        return last is null ? null : Text(last.Content);
    }

    /// <summary>The assistant message: the answer, and the caveat a reader must see when the answer does not cite its
    /// sources (an OpenAI client shows nothing but the content).</summary>
    public static string Content(ChatResponseBody response) =>
        response.Notice is { } notice ? response.Answer + NoticeSuffix(notice) : response.Answer;

    public static string NoticeSuffix(string notice) => "\n\n" + notice;

    // Content is a string, or an array of parts of which the text parts are read (images and audio are not).
    private static string Text(JsonElement? content)
    {
        if (content is not { } element)
        {
            return "";
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return element.GetString() ?? "";
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in element.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object
                        && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                        && type.GetString() is "text" or "input_text"
                        && part.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
                    {
                        text.Append(text.Length > 0 ? "\n" : "").Append(value.GetString());
                    }
                }

                return text.ToString();
            default:
                return "";
        }
    }
}
