namespace Verity.Testing.OpenAi;

/// <summary>What the fake server does with one request. Build one with a factory (<see cref="Answer"/>,
/// <see cref="Vectors"/>, <see cref="Error"/>, <see cref="Hang"/>) and adjust it with <c>with</c> or the helpers
/// (<see cref="Streamed"/>, <see cref="WithDelay"/>, <see cref="AbortingAfter"/>).</summary>
/// <example><code>
/// server.EnqueueChat(FakeReply.Error(503), FakeReply.Answer("Paris is the capital of France. [1]"));
/// server.Chat = request => FakeOpenAiServer.GroundedAnswer(request).Streamed(4, TimeSpan.FromMilliseconds(20));
/// </code></example>
public sealed record FakeReply
{
    private FakeReply(FakeReplyKind kind) => Kind = kind;

    public FakeReplyKind Kind { get; }

    /// <summary>The assistant's answer (<see cref="FakeReplyKind.Answer"/>).</summary>
    public string Text { get; init; } = "";

    /// <summary>How many content chunks a streamed answer is cut into (at most one per character); a request without
    /// <c>stream: true</c> gets the whole text in one JSON response whatever this says.</summary>
    public int Chunks { get; init; } = 1;

    /// <summary>Pause before each streamed content chunk after the first.</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>Latency before anything is sent (status line included).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Drop the connection after this many content chunks of a streamed answer (0: right after the first,
    /// role-only chunk), after a pause of <see cref="ChunkDelay"/> (at least 100 ms, so that the client has read the
    /// chunks sent). For a non-streamed request the connection is dropped before any response is sent.</summary>
    public int? AbortAfterChunks { get; init; }

    /// <summary>HTTP status (<see cref="FakeReplyKind.Error"/>); the body is an OpenAI error object.</summary>
    public int StatusCode { get; init; } = 200;

    public string? ErrorMessage { get; init; }

    /// <summary>Sent as <c>Retry-After</c> (whole seconds, rounded up) and <c>retry-after-ms</c> (exact), as
    /// OpenAI and Azure OpenAI do on 429 and 503.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Vector length for <see cref="FakeReplyKind.Vectors"/>, overriding the request's <c>dimensions</c> (to
    /// simulate a model that returns another size than configured).</summary>
    public int? Dimensions { get; init; }

    public string FinishReason { get; init; } = "stop";

    /// <summary>A chat answer; <paramref name="chunks"/> applies when the client streams.</summary>
    public static FakeReply Answer(string text, int chunks = 1) =>
        new(FakeReplyKind.Answer) { Text = text, Chunks = Math.Max(1, chunks) };

    /// <summary>Deterministic unit vectors for every input (see <see cref="FakeOpenAiServer"/>).</summary>
    public static FakeReply Vectors(int? dimensions = null) => new(FakeReplyKind.Vectors) { Dimensions = dimensions };

    /// <summary>An HTTP error with an OpenAI error body, e.g. <c>Error(429, retryAfter: TimeSpan.FromMilliseconds(300))</c>.</summary>
    public static FakeReply Error(int statusCode, string? message = null, TimeSpan? retryAfter = null) =>
        new(FakeReplyKind.Error) { StatusCode = statusCode, ErrorMessage = message, RetryAfter = retryAfter };

    /// <summary>Accepts the request and never answers, until the client gives up or the server is disposed.</summary>
    public static FakeReply Hang() => new(FakeReplyKind.Hang);

    public FakeReply Streamed(int chunks, TimeSpan chunkDelay = default) =>
        this with { Chunks = Math.Max(1, chunks), ChunkDelay = chunkDelay };

    public FakeReply WithDelay(TimeSpan delay) => this with { Delay = delay };

    public FakeReply AbortingAfter(int chunks) => this with { AbortAfterChunks = Math.Max(0, chunks) };
}

public enum FakeReplyKind
{
    /// <summary>A chat completion (JSON, or SSE chunks when the request streams).</summary>
    Answer,

    /// <summary>An embeddings response.</summary>
    Vectors,

    /// <summary>An HTTP error status with an OpenAI error body.</summary>
    Error,

    /// <summary>No response at all.</summary>
    Hang,
}
