namespace Verity.Testing.OpenAi;

/// <summary>One request the fake server received, as parsed from the OpenAI wire format. Recorded before the reply
/// is chosen, so requests that hang or fail are in <see cref="FakeOpenAiServer.Requests"/> too.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path, e.g. <c>/v1/chat/completions</c> (see <see cref="FakeOpenAiServer.ChatPath"/>).</param>
/// <param name="Model">The <c>model</c> field of the body (null for <c>GET /v1/models</c> or when absent).</param>
/// <param name="Messages">Chat messages in order (empty for other endpoints).</param>
/// <param name="Stream">The <c>stream</c> field.</param>
/// <param name="Authorization">The <c>Authorization</c> header as sent (e.g. <c>Bearer sk-…</c>), or null.</param>
public sealed record FakeRequest(
    string Method, string Path, string? Model, IReadOnlyList<FakeMessage> Messages, bool Stream, string? Authorization)
{
    /// <summary><c>stream_options.include_usage</c>: the stream ends with a chunk carrying usage.</summary>
    public bool IncludeUsage { get; init; }

    /// <summary><c>max_completion_tokens</c> or (older clients) <c>max_tokens</c>.</summary>
    public int? MaxTokens { get; init; }

    public double? Temperature { get; init; }

    /// <summary>Embedding inputs (a single string input becomes one element).</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>The <c>dimensions</c> field of an embeddings request.</summary>
    public int? Dimensions { get; init; }

    /// <summary>The <c>encoding_format</c> field of an embeddings request (the OpenAI SDK asks for <c>base64</c>).</summary>
    public string? EncodingFormat { get; init; }

    /// <summary>The <c>api-key</c> header (older Azure OpenAI deployments authenticate with it), or null.</summary>
    public string? ApiKeyHeader { get; init; }

    /// <summary>The raw request body.</summary>
    public string Body { get; init; } = "";

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The content of the last message with role <c>user</c>, or null.</summary>
    public string? LastUserMessage => Messages.LastOrDefault(m => m.Role == "user")?.Content;
}

/// <summary>A chat message; content given as an array of parts is joined into one string (text parts only).</summary>
public sealed record FakeMessage(string Role, string Content);
