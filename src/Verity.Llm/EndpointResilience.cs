using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Verity.Core;

namespace Verity.Llm;

/// <summary>
/// One endpoint's Polly pipeline — a total timeout around retry (transient failures, exponential backoff with jitter, Retry-After honoured)
/// around a circuit breaker around a per-attempt timeout — and the translation of what it gives up on into
/// <see cref="ModelUnavailableException"/>. The breaker is its own pipeline so that failures seen after the pipeline
/// has returned (a stream dying halfway) can be counted by the same breaker.
/// </summary>
internal sealed class EndpointResilience
{
    private readonly RemoteEndpointOptions _options;
    private readonly ILogger _logger;

    public EndpointResilience(RemoteEndpointOptions options, ModelEndpointKind kind, ModelEndpoints endpoints, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Name, nameof(options));
        _options = options;
        _logger = logger;
        Health = endpoints.Register(options, kind);
        TimeProvider = endpoints.TimeProvider;
        Breaker = new ResiliencePipelineBuilder { Name = "verity-model-breaker", InstanceName = options.Name, TimeProvider = TimeProvider }
            .AddCircuitBreaker(BreakerOptions())
            .Build();
        // The outer timeout bounds the whole call; the retry strategy declines once it has fired (the attempt then
        // sees the cancellation of its context, which is not transient), so the caller moves on to the next model.
        var builder = new ResiliencePipelineBuilder { Name = "verity-model", InstanceName = options.Name, TimeProvider = TimeProvider }
            .AddTimeout(options.TotalTimeout);
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(RetryOptions());
        }

        Pipeline = builder.AddPipeline(Breaker).AddTimeout(options.Timeout).Build();
    }

    public EndpointHealth Health { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Total timeout, retry, breaker and per-attempt timeout.</summary>
    public ResiliencePipeline Pipeline { get; }

    /// <summary>The breaker alone.</summary>
    public ResiliencePipeline Breaker { get; }

    /// <summary>Runs <paramref name="callback"/> through <see cref="Pipeline"/>; what it gives up on is thrown as
    /// <see cref="ModelUnavailableException"/>, the caller's cancellation as <see cref="OperationCanceledException"/>.</summary>
    public async Task<TResult> ExecuteAsync<TResult, TState>(
        Func<TState, CancellationToken, ValueTask<TResult>> callback, TState state, CancellationToken cancellationToken)
    {
        try
        {
            return await Pipeline.ExecuteAsync(callback, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not ModelUnavailableException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw GiveUp(e, cancellationToken);
        }
    }

    /// <summary>The exception to throw once the pipeline has given up on <paramref name="failure"/>.</summary>
    public Exception GiveUp(Exception failure, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The call was cancelled.", failure, cancellationToken);
        }

        string reason;
        if (failure is BrokenCircuitException)
        {
            reason = $"circuit open after repeated failures (last: {Health.LastError ?? "unknown"})";
            Log.Rejected(_logger, _options.Name, Health.Model);
        }
        else
        {
            reason = FailureClassifier.Describe(failure, _options);
            Health.RecordFailure(reason);
            Log.Unavailable(_logger, _options.Name, Health.Model, reason);
        }

        return Unavailable(reason, failure);
    }

    /// <summary>Records a failure that happened after the pipeline returned (a stream that broke off) — counted
    /// by the breaker as a failed call — and returns the exception to throw.</summary>
    public async ValueTask<Exception> StreamFailedAsync(Exception failure, int updates, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The call was cancelled.", failure, cancellationToken);
        }

        var reason = FailureClassifier.Describe(failure, _options);
        Health.RecordFailure(reason);
        Log.StreamFailed(_logger, _options.Name, Health.Model, updates, reason);
        try
        {
            await Breaker.ExecuteAsync(static (e, _) => ValueTask.FromException(e), failure, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Expected: the breaker rethrows what it was given (or refuses at once when already open).
        }

        return Unavailable(reason, failure);
    }

    /// <summary>A failure found in a response the endpoint did give (e.g. vectors of the wrong size): recorded in
    /// health, but neither retried nor counted by the breaker.</summary>
    public ModelUnavailableException InvalidResponse(string reason)
    {
        Health.RecordFailure(reason);
        Log.Unavailable(_logger, _options.Name, Health.Model, reason);
        return Unavailable(reason, null);
    }

    private ModelUnavailableException Unavailable(string reason, Exception? inner) =>
        new(_options.Name, $"{_options.Name} ({Health.Model}) is unavailable: {reason}", FailureClassifier.Sanitize(inner));

    private RetryStrategyOptions RetryOptions() => new()
    {
        MaxRetryAttempts = _options.MaxRetries,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = _options.RetryBaseDelay,
        MaxDelay = _options.RetryBaseDelay * 16,
        // Once the failure has opened the circuit (or a half-open probe failed), a retry could only wait and then be
        // refused: move on to the next model at once instead.
        ShouldHandle = args => ValueTask.FromResult(
            args.Outcome.Exception is { } e
            && Health.StateProvider.CircuitState == CircuitState.Closed
            && FailureClassifier.IsTransient(e, args.Context.CancellationToken)
            && !(FailureClassifier.RetryAfter(e, TimeProvider.GetUtcNow()) > _options.MaxRetryAfter)),
        DelayGenerator = args => ValueTask.FromResult(
            args.Outcome.Exception is { } e ? FailureClassifier.RetryAfter(e, TimeProvider.GetUtcNow()) : null),
        OnRetry = args =>
        {
            var reason = args.Outcome.Exception is { } e ? FailureClassifier.Describe(e, _options) : "no result";
            Health.RecordFailure(reason);
            Log.Retrying(_logger, _options.Name, Health.Model, args.AttemptNumber + 1, reason, (long)args.RetryDelay.TotalMilliseconds);
            return ValueTask.CompletedTask;
        },
    };

    private CircuitBreakerStrategyOptions BreakerOptions() => new()
    {
        FailureRatio = _options.FailureRatio,
        MinimumThroughput = _options.MinimumThroughput,
        SamplingDuration = _options.SamplingDuration,
        BreakDuration = _options.BreakDuration,
        StateProvider = Health.StateProvider,
        ShouldHandle = args => ValueTask.FromResult(
            args.Outcome.Exception is { } e && FailureClassifier.CountsAgainstEndpoint(e, args.Context.CancellationToken)),
        OnOpened = args =>
        {
            Health.Opened(args.BreakDuration);
            var reason = args.Outcome.Exception is { } e ? FailureClassifier.Describe(e, _options) : "failures";
            Log.CircuitOpened(_logger, _options.Name, Health.Model, args.BreakDuration.TotalSeconds, reason);
            return ValueTask.CompletedTask;
        },
        OnHalfOpened = _ =>
        {
            Log.CircuitHalfOpened(_logger, _options.Name, Health.Model);
            return ValueTask.CompletedTask;
        },
        OnClosed = _ =>
        {
            Log.CircuitClosed(_logger, _options.Name, Health.Model);
            return ValueTask.CompletedTask;
        },
    };
}
