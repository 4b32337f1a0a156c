using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Verity.Llm;

/// <summary>
/// Plain (not yet resilient) Microsoft.Extensions.AI clients over the official OpenAI SDK, for any OpenAI-compatible
/// endpoint. The SDK's own retries are off: <see cref="ResilientChatClient"/> and
/// <see cref="ResilientEmbeddingGenerator"/> retry, time out and break circuits, so one policy decides.
/// </summary>
public static class OpenAiCompatibleClients
{
    // The SDK's network timeout is a backstop only: the resilience layer's timeouts are shorter and say more.
    private static readonly TimeSpan NetworkTimeoutMargin = TimeSpan.FromSeconds(5);

    public static IChatClient CreateChatClient(ModelEndpointOptions options)
    {
        var longestWait = options.Timeout > options.StreamIdleTimeout ? options.Timeout : options.StreamIdleTimeout;
        return CreateClient(options, longestWait + NetworkTimeoutMargin).GetChatClient(options.Model).AsIChatClient();
    }

    /// <summary>The generator sends <see cref="EmbeddingEndpointOptions.Dimensions"/> with each request when
    /// <see cref="EmbeddingEndpointOptions.RequestDimensions"/> is set.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator(EmbeddingEndpointOptions options) =>
        CreateClient(options, options.Timeout + NetworkTimeoutMargin)
            .GetEmbeddingClient(options.Model)
            .AsIEmbeddingGenerator(options.RequestDimensions ? options.Dimensions : null);

    private static OpenAIClient CreateClient(RemoteEndpointOptions options, TimeSpan networkTimeout)
    {
        options.ValidateEndpoint(string.IsNullOrWhiteSpace(options.Name) ? "(unnamed endpoint)" : options.Name);
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.EndpointUri,
            NetworkTimeout = networkTimeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            UserAgentApplicationId = "verity",
        };
        var hasKey = !string.IsNullOrEmpty(options.ApiKey);
        if (!hasKey || !string.IsNullOrEmpty(options.ApiKeyHeader))
        {
            clientOptions.AddPolicy(new KeyHeaderPolicy(hasKey ? options.ApiKeyHeader : null, options.ApiKey), PipelinePosition.BeforeTransport);
        }

        // The SDK insists on a credential; without a key the placeholder's header is removed before sending.
        return new OpenAIClient(new ApiKeyCredential(hasKey ? options.ApiKey! : "no-key"), clientOptions);
    }

    /// <summary>Runs after the SDK's authentication: removes its <c>Authorization</c> header and, when a header name
    /// is given, sends the key in that header instead (older Azure OpenAI deployments read <c>api-key</c>). Servers
    /// that need no key (vLLM, Ollama, LM Studio) get no credential at all rather than a made-up one.</summary>
    private sealed class KeyHeaderPolicy(string? headerName, string? key) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Apply(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Apply(message);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void Apply(PipelineMessage message)
        {
            message.Request.Headers.Remove("Authorization");
            if (headerName is not null && key is not null)
            {
                message.Request.Headers.Set(headerName, key);
            }
        }
    }
}
