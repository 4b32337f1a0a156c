using System.Text.Json;
using System.Text.Json.Serialization;
using Verity.Core.Chat;
using Verity.Core.Model;

namespace Verity.Server.Contracts;

// The OpenAI Chat Completions protocol, as far as a knowledge-base "model" needs it. Field names come out in
// snake_case like every Verity body, which is also OpenAI's spelling.

/// <summary>A Chat Completions request. The question is the last <c>user</c> message. <c>temperature</c> and the token
/// limits are accepted and ignored (Verity's own models are configured on the server); unknown members are ignored.
/// <paramref name="Mode"/>, <paramref name="TopK"/> and <paramref name="Filters"/> are Verity extensions.</summary>
public sealed record OpenAiChatRequest(
    string? Model,
    IReadOnlyList<OpenAiMessage>? Messages,
    bool? Stream = null,
    OpenAiStreamOptions? StreamOptions = null,
    string? User = null,
    double? Temperature = null,
    int? MaxTokens = null,
    int? MaxCompletionTokens = null,
    SearchMode? Mode = null,
    int? TopK = null,
    Dictionary<string, string>? Filters = null);

/// <param name="Content">A string, or an array of parts of which the <c>text</c> parts are read.</param>
public sealed record OpenAiMessage(string? Role, JsonElement? Content = null, string? Name = null);

public sealed record OpenAiStreamOptions(bool? IncludeUsage);

/// <summary>A Chat Completions response, plus the numbered <see cref="Sources"/> the answer's <c>[n]</c> markers point
/// to and Verity's view of the answer (<see cref="Verity"/>).</summary>
public sealed record OpenAiChatCompletion(
    string Id,
    [property: JsonPropertyName("object")] string ObjectType,
    long Created,
    string Model,
    IReadOnlyList<OpenAiChoice> Choices,
    UsageDto Usage,
    IReadOnlyList<SourceDto> Sources,
    VerityAnswerDto Verity);

public sealed record OpenAiChoice(int Index, OpenAiAssistantMessage Message, string FinishReason, JsonElement? Logprobs = null);

public sealed record OpenAiAssistantMessage(string Role, string Content, string? Refusal = null);

/// <summary>One <c>chat.completion.chunk</c> of a streamed answer. The last chunk with a choice carries the
/// <c>finish_reason</c>, the sources and <see cref="Verity"/>; with <c>include_usage</c> a final chunk without choices
/// carries the usage.</summary>
public sealed record OpenAiChatChunk(
    string Id, [property: JsonPropertyName("object")] string ObjectType, long Created, string Model, IReadOnlyList<OpenAiChunkChoice> Choices)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UsageDto? Usage { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SourceDto>? Sources { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VerityAnswerDto? Verity { get; init; }
}

public sealed record OpenAiChunkChoice(int Index, OpenAiDelta Delta, string? FinishReason, JsonElement? Logprobs = null);

public sealed record OpenAiDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content = null);

/// <summary>How Verity judged the answer: the members of <see cref="ChatResponseBody"/> that an OpenAI response has no
/// place for.</summary>
public sealed record VerityAnswerDto(
    bool Grounded,
    IReadOnlyList<int> Citations,
    string Generator,
    string? Model,
    ChatRoute Route,
    bool Degraded,
    IReadOnlyList<string> Degradations,
    bool Cached,
    string? Notice,
    IReadOnlyList<int> RemovedCitations,
    CitationCheckDto? CitationCheck,
    string? Template,
    string? SearchQuery,
    string? IndexVersion,
    double LatencyMs)
{
    public static VerityAnswerDto From(ChatResponseBody body) => new(
        body.Grounded, body.Citations, body.Generator, body.Model, body.Route, body.Degraded, body.Degradations,
        body.Cached, body.Notice, body.RemovedCitations, body.CitationCheck, body.Template, body.SearchQuery,
        body.IndexVersion, body.LatencyMs);
}

public sealed record OpenAiModelList([property: JsonPropertyName("object")] string ObjectType, IReadOnlyList<OpenAiModel> Data);

public sealed record OpenAiModel(string Id, [property: JsonPropertyName("object")] string ObjectType, long Created, string OwnedBy);

/// <summary>OpenAI's error member, added to Verity's ProblemDetails on the OpenAI-compatible routes so that OpenAI
/// clients show the message.</summary>
public sealed record OpenAiError(string Message, string Type, string? Param, string Code);
