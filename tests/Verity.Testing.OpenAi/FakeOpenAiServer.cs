using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Verity.Testing.OpenAi;

/// <summary>
/// An OpenAI-protocol server on 127.0.0.1 (Kestrel, a free port) for tests: <c>POST /v1/chat/completions</c>
/// (JSON, or Server-Sent Events with <c>stream: true</c>, honouring <c>stream_options.include_usage</c>),
/// <c>POST /v1/embeddings</c> and <c>GET /v1/models</c>, in the wire format of the real service so that the official
/// OpenAI .NET SDK (and Microsoft.Extensions.AI over it) parses every response.
/// </summary>
/// <remarks>
/// <para>Scripting: each chat request takes the next reply of <see cref="EnqueueChat"/> if any, otherwise asks
/// <see cref="Chat"/> (default <see cref="GroundedAnswer"/>); embeddings likewise with <see cref="EnqueueEmbeddings"/>
/// and <see cref="Embeddings"/> (default: <see cref="FakeReply.Vectors"/>). A reply is an answer (optionally streamed
/// in chunks with a pause between them, or cut off after some chunks), an HTTP error (with Retry-After), a delay
/// before responding, or a hang.</para>
/// <para>Embeddings are deterministic unit vectors derived from a SHA-256 of each input (<see cref="EmbeddingFor"/>):
/// equal texts get equal vectors, different texts nearly orthogonal ones; there is no meaning in them. Their length is
/// the request's <c>dimensions</c>, else <see cref="EmbeddingDimensions"/>. Token counts in <c>usage</c> are word
/// counts.</para>
/// <para>Every request is recorded (<see cref="Requests"/>, <see cref="CountRequests"/>), thread-safely.</para>
/// </remarks>
/// <example><code>
/// await using var server = await FakeOpenAiServer.StartAsync();
/// server.EnqueueChat(FakeReply.Error(503));          // first call fails, the next gets the default answer
/// var client = new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = server.BaseUrl });
/// </code></example>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string ChatPath = "/v1/chat/completions";
    public const string EmbeddingsPath = "/v1/embeddings";
    public const string ModelsPath = "/v1/models";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeReply> _chatQueue = new();
    private readonly ConcurrentQueue<FakeReply> _embeddingQueue = new();
    private volatile Func<FakeRequest, FakeReply> _chat = GroundedAnswer;
    private volatile Func<FakeRequest, FakeReply> _embeddings = static _ => FakeReply.Vectors();
    private volatile IReadOnlyList<string> _models = ["fake-chat", "fake-embedding"];
    private int _embeddingDimensions = 256;

    private FakeOpenAiServer(WebApplication app) => _app = app;

    /// <summary>The base URL to configure clients with: <c>http://127.0.0.1:PORT/v1/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Chooses the reply to a chat request when the queue is empty. Setting null restores
    /// <see cref="GroundedAnswer"/>. Called on the request's thread; may throw (the client then gets a 500).</summary>
    public Func<FakeRequest, FakeReply>? Chat
    {
        get => _chat;
        set => _chat = value ?? GroundedAnswer;
    }

    /// <summary>Chooses the reply to an embeddings request when the queue is empty; null restores the default
    /// (<see cref="FakeReply.Vectors"/>).</summary>
    public Func<FakeRequest, FakeReply>? Embeddings
    {
        get => _embeddings;
        set => _embeddings = value ?? (static _ => FakeReply.Vectors());
    }

    /// <summary>Vector length when an embeddings request does not send <c>dimensions</c> (default 256).</summary>
    public int EmbeddingDimensions
    {
        get => Volatile.Read(ref _embeddingDimensions);
        set => Volatile.Write(ref _embeddingDimensions, value);
    }

    /// <summary>Model ids listed by <c>GET /v1/models</c>.</summary>
    public IReadOnlyList<string> Models
    {
        get => _models;
        set => _models = value;
    }

    /// <summary>Every request received so far, in arrival order (a snapshot).</summary>
    public IReadOnlyList<FakeRequest> Requests => _requests.ToArray();

    /// <summary>Starts the server on 127.0.0.1 on a free port.</summary>
    public static async Task<FakeOpenAiServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var server = new FakeOpenAiServer(builder.Build());
        server._app.Run(server.ServeAsync);
        await server._app.StartAsync(cancellationToken);
        server.BaseUrl = new Uri(server._app.Urls.Single().TrimEnd('/') + "/v1/");
        return server;
    }

    /// <summary>Queues replies for the next chat requests, consumed in order before <see cref="Chat"/> is asked.</summary>
    public void EnqueueChat(params FakeReply[] replies)
    {
        foreach (var reply in replies)
        {
            _chatQueue.Enqueue(reply);
        }
    }

    /// <summary>Queues replies for the next embeddings requests, consumed before <see cref="Embeddings"/> is asked.</summary>
    public void EnqueueEmbeddings(params FakeReply[] replies)
    {
        foreach (var reply in replies)
        {
            _embeddingQueue.Enqueue(reply);
        }
    }

    /// <summary>Requests received on a path: <c>/v1/chat/completions</c>, or relative to <c>/v1/</c> as in
    /// <c>chat/completions</c>.</summary>
    public int CountRequests(string path) =>
        _counts.TryGetValue(path.StartsWith('/') ? path : "/v1/" + path, out var count) ? count : 0;

    /// <summary>Forgets the recorded requests and counts (not the scripted replies).</summary>
    public void ClearRequests()
    {
        _requests.Clear();
        _counts.Clear();
    }

    /// <summary>Back to a fresh server's behaviour: queues emptied, default responders, default dimensions, no
    /// recorded requests (for a server shared by several tests).</summary>
    public void Reset()
    {
        _chatQueue.Clear();
        _embeddingQueue.Clear();
        Chat = null;
        Embeddings = null;
        EmbeddingDimensions = 256;
        ClearRequests();
    }

    /// <summary>Waits until at least <paramref name="count"/> requests reached <paramref name="path"/> (see
    /// <see cref="CountRequests"/>); throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task WaitForRequestsAsync(string path, int count, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (CountRequests(path) < count)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{CountRequests(path)} of {count} requests to {path} arrived within {timeout}.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>The default chat responder: a short answer grounded in the first source of the prompt, cited.
    /// See <see cref="FakePrompt.GroundedAnswer"/> for how the prompt is read.</summary>
    public static FakeReply GroundedAnswer(FakeRequest request) =>
        FakeReply.Answer(FakePrompt.GroundedAnswer(request.Messages));

    /// <summary>The vector the server returns for <paramref name="text"/>: unit length, derived from its SHA-256.</summary>
    public static float[] EmbeddingFor(string text, int dimensions) => FakeVectors.For(text, dimensions);

    public async ValueTask DisposeAsync()
    {
        // Hanging requests wait on this token; without it shutdown would wait for them until its timeout.
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task ServeAsync(HttpContext context)
    {
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            var request = await FakeRequestReader.ReadAsync(context, aborted.Token);
            if (request is null)
            {
                return;
            }

            _requests.Enqueue(request);
            _counts.AddOrUpdate(request.Path, 1, static (_, count) => count + 1);
            switch (request.Path)
            {
                case ChatPath when request.Method == HttpMethods.Post:
                    await FakeResponseWriter.WriteChatAsync(context, request, NextReply(_chatQueue, _chat, request), aborted.Token);
                    break;
                case EmbeddingsPath when request.Method == HttpMethods.Post:
                    var reply = NextReply(_embeddingQueue, _embeddings, request);
                    await FakeResponseWriter.WriteEmbeddingsAsync(context, request, reply, EmbeddingDimensions, aborted.Token);
                    break;
                case ModelsPath when request.Method == HttpMethods.Get:
                    await FakeResponseWriter.WriteModelsAsync(context, _models, aborted.Token);
                    break;
                default:
                    await FakeResponseWriter.WriteErrorAsync(
                        context, FakeReply.Error(404, $"Unknown endpoint {request.Method} {request.Path}."), aborted.Token);
                    break;
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client gave up or the server is stopping: nothing left to answer.
        }
        catch (IOException)
        {
            // The client closed the connection while we were writing.
        }
    }

    private static FakeReply NextReply(
        ConcurrentQueue<FakeReply> queue, Func<FakeRequest, FakeReply> responder, FakeRequest request) =>
        queue.TryDequeue(out var queued) ? queued : responder(request);
}
