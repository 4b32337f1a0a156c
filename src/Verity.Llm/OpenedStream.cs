using Microsoft.Extensions.AI;

namespace Verity.Llm;

/// <summary>A streamed response being read, with a timer that cancels it when one update takes too long.</summary>
internal sealed class OpenedStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _callerToken;
    private IAsyncEnumerator<ChatResponseUpdate>? _enumerator;

    public OpenedStream(TimeProvider timeProvider, CancellationToken callerToken)
    {
        _callerToken = callerToken;
        _timer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _timer.Token);
    }

    /// <summary>Cancelled by the caller, the idle timer or <see cref="Cancel"/>.</summary>
    public CancellationToken Token => _linked.Token;

    public bool HasCurrent { get; private set; }

    public ChatResponseUpdate Current => _enumerator!.Current;

    /// <summary>True when the idle timer (not the caller) stopped the stream.</summary>
    public bool IdleTimedOut => _timer.IsCancellationRequested && !_callerToken.IsCancellationRequested;

    public void Start(IAsyncEnumerable<ChatResponseUpdate> updates) => _enumerator = updates.GetAsyncEnumerator(Token);

    public void Cancel() => _timer.Cancel();

    /// <summary>The next update, waiting at most <paramref name="idleTimeout"/> (null: no limit here).</summary>
    public async ValueTask<bool> MoveNextAsync(TimeSpan? idleTimeout)
    {
        if (idleTimeout is { } limit)
        {
            _timer.CancelAfter(limit);
        }

        HasCurrent = await _enumerator!.MoveNextAsync().ConfigureAwait(false);
        if (idleTimeout is not null && !_timer.IsCancellationRequested)
        {
            _timer.CancelAfter(Timeout.InfiniteTimeSpan);
        }

        return HasCurrent;
    }

    public async ValueTask DisposeAsync()
    {
        if (_enumerator is not null)
        {
            try
            {
                await _enumerator.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Disposing a broken stream may fail again; the failure that matters was already seen.
            }
        }

        _linked.Dispose();
        _timer.Dispose();
    }
}
