namespace Verity.Llm;

/// <summary>
/// What every remote model endpoint (chat or embeddings) has: where it is, which model, the key, and how hard to try
/// (per-attempt timeout, retries of transient failures, a circuit breaker). Any OpenAI-compatible base URL works:
/// <c>https://api.openai.com/v1/</c>, Azure OpenAI's <c>https://RESOURCE.openai.azure.com/openai/v1/</c>, vLLM, TGI,
/// LM Studio, Ollama's <c>http://localhost:11434/v1/</c>.
/// </summary>
/// <remarks>The key never appears in <see cref="ToString"/>, logs, health output or exception messages.</remarks>
public abstract class RemoteEndpointOptions
{
    /// <summary>Names the endpoint in logs, health, metrics and <c>ModelUnavailableException.Model</c>
    /// (<c>primary</c>, <c>fallback-1</c>, …, <c>embeddings</c> by default).</summary>
    public string Name { get; set; } = "";

    /// <summary>Absolute http(s) base URL of the OpenAI-compatible API, usually ending in <c>/v1/</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The model id sent with every request (for Azure OpenAI: the deployment name).</summary>
    public string? Model { get; set; }

    /// <summary>Optional: local servers (vLLM, Ollama, LM Studio) usually need none. Sent as
    /// <c>Authorization: Bearer …</c>, or in <see cref="ApiKeyHeader"/> when that is set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Send the key in this header instead of <c>Authorization</c> (e.g. <c>api-key</c> for older Azure
    /// OpenAI deployments).</summary>
    public string? ApiKeyHeader { get; set; }

    /// <summary>Upper bound of one attempt: a whole response, or for a stream the time to its first update.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound of a whole call, all attempts and retry delays included: the longest a caller waits on
    /// this endpoint before the next one in the chain is tried. Without it a hanging endpoint would cost
    /// <see cref="Timeout"/> × (1 + <see cref="MaxRetries"/>) plus the delays.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Retries of transient failures (connection errors, timeouts, 408, 429, 500, 502, 503, 504).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; exponential with jitter after that.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>A <c>Retry-After</c> (or <c>retry-after-ms</c>) up to this long is waited for; a longer one ends the
    /// retries at once, so the caller falls back instead of waiting.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The circuit opens when at least this share of the calls in <see cref="SamplingDuration"/> failed…</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>…and at least this many calls were made in it.</summary>
    public int MinimumThroughput { get; set; } = 4;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses calls before one probe call is let through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when <see cref="Endpoint"/> is set.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>The endpoint without user info, query or fragment: safe for logs and health output.</summary>
    public string DisplayEndpoint => Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri)
        ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
        : "(invalid endpoint)";

    /// <summary>The endpoint as the SDK wants it: absolute, ending in a slash so paths append below it.</summary>
    internal Uri EndpointUri
    {
        get
        {
            var text = Endpoint!.Trim();
            return new Uri(text.EndsWith('/') ? text : text + "/", UriKind.Absolute);
        }
    }

    /// <summary>Name, model and endpoint; whether a key is set, never the key.</summary>
    public override string ToString() =>
        $"{Name}: {Model} at {(IsConfigured ? DisplayEndpoint : "(no endpoint)")}"
        + (string.IsNullOrEmpty(ApiKey) ? "" : " (API key set)");

    /// <summary>Throws <see cref="InvalidOperationException"/> naming every wrong key under <paramref name="section"/>
    /// (e.g. <c>Llm:Fallbacks:0</c>).</summary>
    public void ValidateEndpoint(string section)
    {
        var problems = new List<string>();
        CollectProblems(section, problems);
        EndpointValidation.ThrowIfAny(problems);
    }

    /// <summary>Adds a message per wrong setting; subclasses add theirs.</summary>
    internal virtual void CollectProblems(string section, List<string> problems) =>
        EndpointValidation.CheckCommon(this, section, problems);

    /// <summary>Copies the settings of this class to <paramref name="target"/>.</summary>
    protected void CopyEndpointTo(RemoteEndpointOptions target)
    {
        target.Name = Name;
        target.Endpoint = Endpoint;
        target.Model = Model;
        target.ApiKey = ApiKey;
        target.ApiKeyHeader = ApiKeyHeader;
        target.Timeout = Timeout;
        target.TotalTimeout = TotalTimeout;
        target.MaxRetries = MaxRetries;
        target.RetryBaseDelay = RetryBaseDelay;
        target.MaxRetryAfter = MaxRetryAfter;
        target.FailureRatio = FailureRatio;
        target.MinimumThroughput = MinimumThroughput;
        target.SamplingDuration = SamplingDuration;
        target.BreakDuration = BreakDuration;
    }
}
