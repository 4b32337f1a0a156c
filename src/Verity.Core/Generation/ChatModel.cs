using Microsoft.Extensions.AI;

namespace Verity.Core.Generation;

/// <summary>
/// One configured chat model of the generation chain: a name for logs, responses and circuit state (e.g.
/// <c>primary</c>), the model id sent to the endpoint, and a client that already carries the endpoint's resilience
/// (timeouts, retries, circuit breaker) and throws <see cref="ModelUnavailableException"/> when it gives up. Hosts
/// register one per configured endpoint, in fallback order.
/// </summary>
public sealed record ChatModel(string Name, string Model, IChatClient Client)
{
    /// <summary>Upper bound on the answer's length, in tokens.</summary>
    public int MaxOutputTokens { get; init; } = 1024;

    /// <summary>Low by default: a grounded answer should restate its sources, not improvise.</summary>
    public float Temperature { get; init; } = 0.1f;
}
