namespace Verity.Llm;

/// <summary>
/// The remote models, bound from the configuration section <c>Llm</c> (environment: <c>Llm__Endpoint</c>,
/// <c>Llm__Model</c>, <c>Llm__ApiKey</c>, <c>Llm__Fallbacks__0__Endpoint</c>, <c>Llm__Embeddings__Dimensions</c>, …).
/// The properties inherited from <see cref="ModelEndpointOptions"/> are the primary chat model.
/// </summary>
public sealed class LlmOptions : ModelEndpointOptions
{
    public const string SectionName = "Llm";

    public LlmOptions() => Name = "primary";

    /// <summary>Chat models tried in order when the one before is unavailable (named <c>fallback-1</c>, … unless
    /// named). The extractive generator stays the last resort after all of them.</summary>
    public List<ModelEndpointOptions> Fallbacks { get; set; } = [];

    /// <summary>A remote embedding model (<c>Llm:Embeddings</c>); null or without endpoint: the built-in one.</summary>
    public EmbeddingEndpointOptions? Embeddings { get; set; }

    /// <summary>The chat models in fallback order, names filled in: the primary then the fallbacks; empty when
    /// <see cref="RemoteEndpointOptions.Endpoint"/> is not set.</summary>
    public IReadOnlyList<ModelEndpointOptions> GetChain()
    {
        if (!IsConfigured)
        {
            return [];
        }

        var chain = new List<ModelEndpointOptions>(1 + Fallbacks.Count) { CopyAs(string.IsNullOrWhiteSpace(Name) ? "primary" : Name) };
        chain.AddRange(Fallbacks.Select(NamedFallback));
        return chain;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> listing every wrong setting by its configuration key
    /// (e.g. <c>Llm:Fallbacks:0:Model</c>). Nothing configured is valid: generation stays extractive.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (IsConfigured)
        {
            CollectProblems(SectionName, problems);
        }
        else if (!string.IsNullOrWhiteSpace(Model) || !string.IsNullOrEmpty(ApiKey) || Fallbacks.Count > 0)
        {
            problems.Add($"{SectionName}:Endpoint is required when {SectionName}:Model, {SectionName}:ApiKey or "
                + $"{SectionName}:Fallbacks is set (e.g. https://api.openai.com/v1/ or http://localhost:11434/v1/).");
        }

        for (var i = 0; i < Fallbacks.Count; i++)
        {
            NamedFallback(Fallbacks[i], i).CollectProblems($"{SectionName}:Fallbacks:{i}", problems);
        }

        if (Embeddings is not null)
        {
            Embeddings.CollectProblems($"{SectionName}:Embeddings", problems);
        }

        var names = GetChain().Select(m => m.Name).Concat(Embeddings is { IsConfigured: true } e ? [e.Name] : []);
        foreach (var duplicate in names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"The endpoint name '{duplicate.Key}' is used twice; give each endpoint of {SectionName} its own Name.");
        }

        EndpointValidation.ThrowIfAny(problems);
    }

    private static ModelEndpointOptions NamedFallback(ModelEndpointOptions fallback, int index) =>
        fallback.CopyAs(string.IsNullOrWhiteSpace(fallback.Name) ? $"fallback-{index + 1}" : fallback.Name);
}
