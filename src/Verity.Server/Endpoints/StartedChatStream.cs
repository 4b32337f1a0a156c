using System.Runtime.CompilerServices;
using Verity.Core.Chat;

namespace Verity.Server.Endpoints;

/// <summary>
/// An answer stream whose first event has already been read. <see cref="ChatService.StreamAsync"/> validates the
/// question, applies the guardrails and searches before its first event, so reading that event before the response
/// starts lets those errors still become an ordinary 4xx/5xx ProblemDetails; once the first byte is sent, a failure
/// can only be reported inside the stream (<see cref="ChatStreamFailed"/>).
/// </summary>
internal sealed class StartedChatStream : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ChatEvent> _events;
    private readonly CancellationToken _cancellationToken;

    private StartedChatStream(IAsyncEnumerator<ChatEvent> events, CancellationToken cancellationToken)
    {
        _events = events;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Starts the stream and reads its first event; throws what the service throws before it.</summary>
    public static async Task<StartedChatStream> StartAsync(IAsyncEnumerable<ChatEvent> events, CancellationToken cancellationToken)
    {
        var enumerator = events.GetAsyncEnumerator(cancellationToken);
        try
        {
            if (!await enumerator.MoveNextAsync())
            {
                throw new InvalidOperationException("The answer stream ended before its first event.");
            }
        }
        catch
        {
            await enumerator.DisposeAsync();
            throw;
        }

        return new StartedChatStream(enumerator, cancellationToken);
    }

    /// <summary>The events, the first one included. A failure ends the stream with one <see cref="ChatStreamFailed"/>;
    /// a cancelled request (the client went away) just ends it.</summary>
    public async IAsyncEnumerable<ChatEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return _events.Current;
        while (!cancellationToken.IsCancellationRequested)
        {
            // A yield cannot sit inside a try with a catch, so only the move is guarded.
            Exception? failure = null;
            try
            {
                if (!await _events.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested || cancellationToken.IsCancellationRequested)
            {
                yield break;
            }
            catch (Exception e)
            {
                failure = e;
            }

            if (failure is not null)
            {
                yield return new ChatStreamFailed(failure);
                yield break;
            }

            yield return _events.Current;
        }
    }

    public ValueTask DisposeAsync() => _events.DisposeAsync();
}

/// <summary>The answer stream failed after it started; the host reports <paramref name="Error"/> in the stream.</summary>
internal sealed record ChatStreamFailed(Exception Error) : ChatEvent;
