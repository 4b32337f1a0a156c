namespace Verity.Llm;

/// <summary>The state of one model endpoint, for health checks and metrics. Holds no key.</summary>
/// <param name="Name">Configured name (<c>primary</c>, <c>fallback-1</c>, <c>embeddings</c>, …).</param>
/// <param name="Model">Model id sent to the endpoint.</param>
/// <param name="Endpoint">Base URL without user info or query.</param>
/// <param name="Kind">Chat or embeddings.</param>
/// <param name="State">The circuit breaker's state.</param>
/// <param name="LastError">Short reason of the last failure (e.g. <c>HTTP 503</c>), null when none yet.</param>
/// <param name="LastFailureAt">When it happened.</param>
public sealed record ModelEndpointStatus(
    string Name,
    string Model,
    string Endpoint,
    ModelEndpointKind Kind,
    CircuitStatus State,
    string? LastError,
    DateTimeOffset? LastFailureAt);

public enum ModelEndpointKind
{
    Chat,
    Embeddings,
}

/// <summary>Circuit breaker states (serialise as <c>closed</c>, <c>open</c>, <c>half_open</c> with a snake-case
/// string enum converter).</summary>
public enum CircuitStatus
{
    /// <summary>Calls go through.</summary>
    Closed,

    /// <summary>Calls fail at once with <c>ModelUnavailableException</c>, without reaching the endpoint.</summary>
    Open,

    /// <summary>The break is over: the next call goes through as a probe; its success closes the circuit, its
    /// failure opens it again.</summary>
    HalfOpen,
}
