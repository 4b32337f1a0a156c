using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Verity.Core.Generation;

namespace Verity.Llm;

/// <summary>Builds every configured client at once, so that <see cref="ModelEndpoints"/> lists all endpoints from
/// the start (health may be asked before the first question), and disposes the chat clients with the container.</summary>
internal sealed class LlmRegistration : IDisposable
{
    public LlmRegistration(LlmOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        Endpoints = new ModelEndpoints(timeProvider);
        ChatModels = options.GetChain()
            .Select(m => new ChatModel(m.Name, m.Model!, Endpoints.CreateChatClient(m, loggerFactory))
            {
                MaxOutputTokens = m.MaxOutputTokens,
                Temperature = m.Temperature,
            })
            .ToList();
        if (options.Embeddings is { IsConfigured: true } embeddings)
        {
            Embeddings = Endpoints.CreateEmbeddingGenerator(embeddings, loggerFactory);
        }
    }

    public ModelEndpoints Endpoints { get; }

    public IReadOnlyList<ChatModel> ChatModels { get; }

    public IEmbeddingGenerator<string, Embedding<float>>? Embeddings { get; }

    public void Dispose()
    {
        foreach (var model in ChatModels)
        {
            model.Client.Dispose();
        }
    }
}
