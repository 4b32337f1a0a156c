using Polly.CircuitBreaker;

namespace Verity.Llm;

/// <summary>What one endpoint's resilience has seen: its circuit (through Polly's state provider), the last
/// failure, and when an open circuit lets a probe through.</summary>
internal sealed class EndpointHealth(
    string name, string model, string endpoint, ModelEndpointKind kind, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private string? _lastError;
    private DateTimeOffset? _lastFailureAt;
    private DateTimeOffset _openUntil;

    public string Name { get; } = name;

    public string Model { get; } = model;

    public CircuitBreakerStateProvider StateProvider { get; } = new();

    public string? LastError
    {
        get
        {
            lock (_lock)
            {
                return _lastError;
            }
        }
    }

    public void RecordFailure(string reason)
    {
        lock (_lock)
        {
            _lastError = reason;
            _lastFailureAt = timeProvider.GetUtcNow();
        }
    }

    public void Opened(TimeSpan breakDuration)
    {
        lock (_lock)
        {
            _openUntil = timeProvider.GetUtcNow() + breakDuration;
        }
    }

    public ModelEndpointStatus Snapshot()
    {
        lock (_lock)
        {
            var state = StateProvider.CircuitState;
            // Polly moves an open circuit to half-open lazily, on the next call; once the break is over that call
            // is already allowed through as a probe, so report the circuit as it behaves.
            var status = state switch
            {
                CircuitState.Closed => CircuitStatus.Closed,
                CircuitState.HalfOpen => CircuitStatus.HalfOpen,
                CircuitState.Open when timeProvider.GetUtcNow() >= _openUntil => CircuitStatus.HalfOpen,
                _ => CircuitStatus.Open,
            };
            return new ModelEndpointStatus(Name, Model, endpoint, kind, status, _lastError, _lastFailureAt);
        }
    }
}
