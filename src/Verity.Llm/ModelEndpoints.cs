using Microsoft.Extensions.Logging;

namespace Verity.Llm;

/// <summary>
/// The remote model endpoints of this process: creates their resilient clients and reports each one's circuit
/// state and last failure (<see cref="GetStatus()"/>) for health checks and metrics. One per process (a singleton
/// in DI); endpoint names are unique within it.
/// </summary>
public sealed class ModelEndpoints(TimeProvider? timeProvider = null)
{
    private readonly Lock _lock = new();
    private readonly List<EndpointHealth> _endpoints = [];

    /// <summary>The clock of every circuit breaker, timeout and retry delay created here.</summary>
    public TimeProvider TimeProvider { get; } = timeProvider ?? TimeProvider.System;

    /// <summary>Every endpoint, in the order the clients were created (the chain order, then embeddings).</summary>
    public IReadOnlyList<ModelEndpointStatus> GetStatus()
    {
        lock (_lock)
        {
            return _endpoints.Select(e => e.Snapshot()).ToList();
        }
    }

    /// <summary>The endpoint named <paramref name="name"/>, or null.</summary>
    public ModelEndpointStatus? GetStatus(string name)
    {
        lock (_lock)
        {
            return _endpoints.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))?.Snapshot();
        }
    }

    /// <summary>An OpenAI-compatible chat client for <paramref name="options"/> with its resilience (see
    /// <see cref="ResilientChatClient"/>).</summary>
    public ResilientChatClient CreateChatClient(ModelEndpointOptions options, ILoggerFactory? loggerFactory = null) =>
        new(OpenAiCompatibleClients.CreateChatClient(options), options, this, loggerFactory?.CreateLogger<ResilientChatClient>());

    /// <summary>An OpenAI-compatible embedding generator for <paramref name="options"/> with its resilience (see
    /// <see cref="ResilientEmbeddingGenerator"/>).</summary>
    public ResilientEmbeddingGenerator CreateEmbeddingGenerator(EmbeddingEndpointOptions options, ILoggerFactory? loggerFactory = null) =>
        new(OpenAiCompatibleClients.CreateEmbeddingGenerator(options), options, this, loggerFactory?.CreateLogger<ResilientEmbeddingGenerator>());

    internal EndpointHealth Register(RemoteEndpointOptions options, ModelEndpointKind kind)
    {
        var health = new EndpointHealth(options.Name, options.Model ?? "", options.DisplayEndpoint, kind, TimeProvider);
        lock (_lock)
        {
            if (_endpoints.Any(e => string.Equals(e.Name, options.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidOperationException($"A model endpoint named '{options.Name}' already exists; names must be unique.");
            }

            _endpoints.Add(health);
        }

        return health;
    }
}
