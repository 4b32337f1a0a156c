using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Verity.Core.Caching;
using Verity.Core.Generation;

namespace Verity.Llm;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers the configured remote models, after validating <paramref name="options"/>:
    /// <list type="bullet">
    /// <item><see cref="ModelEndpoints"/> (circuit state of every endpoint, for health and metrics);</item>
    /// <item>one <see cref="ChatModel"/> per chat endpoint, in chain order (primary, then the fallbacks), so that
    /// <c>IEnumerable&lt;ChatModel&gt;</c> resolves in fallback order; each client is a <see cref="ResilientChatClient"/>;</item>
    /// <item>when <see cref="LlmOptions.Embeddings"/> is configured, the remote
    /// <c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c> (a <see cref="ResilientEmbeddingGenerator"/>).</item>
    /// </list>
    /// Nothing is registered when no endpoint is configured. Call this before <c>AddVerityCore</c>: the core adds its
    /// hashing embedder only when no embedding generator is registered yet. Uses the registered
    /// <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> when there are.
    /// </summary>
    public static IServiceCollection AddVerityLlm(this IServiceCollection services, LlmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var chain = options.GetChain();
        var embeddings = options.Embeddings is { IsConfigured: true };
        if (chain.Count == 0 && !embeddings)
        {
            return services;
        }

        services.AddSingleton(sp => new LlmRegistration(options, sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>()));
        services.AddSingleton(sp => sp.GetRequiredService<LlmRegistration>().Endpoints);
        for (var i = 0; i < chain.Count; i++)
        {
            var index = i;
            services.AddSingleton(sp => sp.GetRequiredService<LlmRegistration>().ChatModels[index]);
        }

        if (embeddings)
        {
            services.AddSingleton(sp => sp.GetRequiredService<LlmRegistration>().Embeddings!);
        }

        return services;
    }

    /// <summary>Registers <see cref="RedisVerityCache"/> as the <see cref="IVerityCache"/>, replacing any cache
    /// registered before (e.g. the in-process one), so that replicas share hits.</summary>
    public static IServiceCollection AddVerityRedisCache(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.RemoveAll<IVerityCache>();
        services.AddSingleton<IVerityCache>(sp => new RedisVerityCache(
            connectionString, sp.GetService<ILogger<RedisVerityCache>>(), sp.GetService<TimeProvider>()));
        return services;
    }
}
