using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verity.Core;

namespace Verity.Llm;

/// <summary>
/// A chat client with its endpoint's resilience: per-attempt timeout, retries of transient failures (with jitter,
/// honouring Retry-After), and a circuit breaker (state in <see cref="ModelEndpoints"/>). When it gives up it throws
/// <see cref="ModelUnavailableException"/>; the caller's cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// <para>Streaming: opening the stream and receiving its first update run inside the pipeline, so they are timed by
/// <see cref="RemoteEndpointOptions.Timeout"/>, retried and counted by the breaker as one call. Once an update has
/// been yielded there is no retry (the caller already has part of the answer): each further update must arrive
/// within <see cref="ModelEndpointOptions.StreamIdleTimeout"/>, and a failure throws
/// <see cref="ModelUnavailableException"/> — the caller falls back and retracts the partial text. Such a failure is
/// also reported to the breaker, so a stream that opens and then dies counts as one success and one failure.</para>
/// </remarks>
public sealed class ResilientChatClient : DelegatingChatClient
{
    private readonly ModelEndpointOptions _options;
    private readonly EndpointResilience _resilience;

    /// <param name="innerClient">The plain client, e.g. from <see cref="OpenAiCompatibleClients.CreateChatClient"/>.</param>
    /// <param name="options">The endpoint's settings; <see cref="RemoteEndpointOptions.Name"/> must be unique in
    /// <paramref name="endpoints"/>.</param>
    /// <param name="endpoints">Where the endpoint's circuit state is reported.</param>
    /// <param name="logger">Retries, circuit changes and failures (never keys or prompts).</param>
    public ResilientChatClient(
        IChatClient innerClient, ModelEndpointOptions options, ModelEndpoints endpoints, ILogger<ResilientChatClient>? logger = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoints);
        _options = options;
        _resilience = new EndpointResilience(options, ModelEndpointKind.Chat, endpoints, logger ?? (ILogger)NullLogger.Instance);
    }

    /// <summary>The endpoint's configured name (e.g. <c>primary</c>).</summary>
    public string Name => _options.Name;

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Materialised once: a retry must send the same messages.
        var request = (Client: InnerClient, Messages: messages.ToList(), Options: options);
        return _resilience.ExecuteAsync(
            static (r, token) => new ValueTask<ChatResponse>(r.Client.GetResponseAsync(r.Messages, r.Options, token)),
            request,
            cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = (Client: this, Messages: messages.ToList(), Options: options, Caller: cancellationToken);
        var stream = await _resilience.ExecuteAsync(
            static (r, attemptToken) => r.Client.OpenStreamAsync(r.Messages, r.Options, r.Caller, attemptToken),
            request,
            cancellationToken).ConfigureAwait(false);

        await using (stream.ConfigureAwait(false))
        {
            if (!stream.HasCurrent)
            {
                yield break;
            }

            var updates = 1;
            yield return stream.Current;
            while (true)
            {
                try
                {
                    if (!await stream.MoveNextAsync(_options.StreamIdleTimeout).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
                {
                    var failure = stream.IdleTimedOut ? new StreamIdleTimeoutException(_options.StreamIdleTimeout, e) : e;
                    throw await _resilience.StreamFailedAsync(failure, updates, cancellationToken).ConfigureAwait(false);
                }

                updates++;
                yield return stream.Current;
            }
        }
    }

    /// <summary>One attempt: opens the stream and waits for its first update. The stream outlives the attempt, so it
    /// runs on its own token (the caller's, plus the idle timer); the attempt's token (Polly's timeout) cancels it
    /// only while the first update is awaited.</summary>
    private async ValueTask<OpenedStream> OpenStreamAsync(
        List<ChatMessage> messages, ChatOptions? options, CancellationToken callerToken, CancellationToken attemptToken)
    {
        var stream = new OpenedStream(_resilience.TimeProvider, callerToken);
        try
        {
            stream.Start(InnerClient.GetStreamingResponseAsync(messages, options, stream.Token));
            using (attemptToken.Register(static s => ((OpenedStream)s!).Cancel(), stream))
            {
                await stream.MoveNextAsync(null).ConfigureAwait(false);
            }

            return stream;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
