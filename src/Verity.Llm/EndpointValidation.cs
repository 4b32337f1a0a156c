using System.Text.RegularExpressions;

namespace Verity.Llm;

/// <summary>The checks behind <see cref="LlmOptions.Validate"/>: each message names the configuration key, says
/// what is expected and gives an example. Keys are never echoed.</summary>
internal static partial class EndpointValidation
{
    // Polly's own bounds: a timeout of 10 ms to a day, sampling and break durations of at least half a second.
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxDuration = TimeSpan.FromDays(1);
    private static readonly TimeSpan MinBreakerWindow = TimeSpan.FromSeconds(0.5);

    public static void ThrowIfAny(List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "Invalid model endpoint configuration:" + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", problems));
        }
    }

    public static void CheckCommon(RemoteEndpointOptions o, string section, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(o.Name) || !NamePattern().IsMatch(o.Name))
        {
            problems.Add($"{section}:Name must be 1-64 letters, digits, '.', '_' or '-' (e.g. primary).");
        }

        if (!o.IsConfigured)
        {
            problems.Add($"{section}:Endpoint is required: the base URL of an OpenAI-compatible API "
                + "(e.g. https://api.openai.com/v1/ or http://localhost:11434/v1/).");
        }
        else if (!Uri.TryCreate(o.Endpoint!.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{section}:Endpoint must be an absolute http or https URL such as https://api.openai.com/v1/.");
        }
        else if (uri.UserInfo.Length > 0)
        {
            problems.Add($"{section}:Endpoint must not contain credentials; put the key in {section}:ApiKey.");
        }
        else if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            problems.Add($"{section}:Endpoint must not have a query string or fragment (for Azure OpenAI use the v1 API: "
                + "https://RESOURCE.openai.azure.com/openai/v1/).");
        }

        if (o.IsConfigured && string.IsNullOrWhiteSpace(o.Model))
        {
            problems.Add($"{section}:Model is required (e.g. gpt-4o-mini; for Azure OpenAI the deployment name).");
        }

        if (!string.IsNullOrEmpty(o.ApiKey) && o.ApiKey.Any(char.IsWhiteSpace))
        {
            problems.Add($"{section}:ApiKey contains white space or a line break; check how the secret is provided.");
        }

        if (!string.IsNullOrEmpty(o.ApiKeyHeader) && !HeaderPattern().IsMatch(o.ApiKeyHeader))
        {
            problems.Add($"{section}:ApiKeyHeader must be an HTTP header name such as api-key.");
        }

        Range(problems, section, "Timeout", o.Timeout, MinTimeout, MaxDuration);
        Range(problems, section, "TotalTimeout", o.TotalTimeout, MinTimeout, MaxDuration);
        if (o.TotalTimeout < o.Timeout)
        {
            problems.Add($"{section}:TotalTimeout ({o.TotalTimeout}) must be at least Timeout ({o.Timeout}): it bounds all attempts together.");
        }
        if (o.MaxRetries is < 0 or > 10)
        {
            problems.Add($"{section}:MaxRetries must be between 0 and 10 (got {o.MaxRetries}).");
        }

        Range(problems, section, "RetryBaseDelay", o.RetryBaseDelay, TimeSpan.Zero, MaxDuration);
        Range(problems, section, "MaxRetryAfter", o.MaxRetryAfter, TimeSpan.Zero, MaxDuration);
        if (!(o.FailureRatio > 0 && o.FailureRatio <= 1))
        {
            problems.Add($"{section}:FailureRatio must be more than 0 and at most 1 (got {o.FailureRatio}).");
        }

        if (o.MinimumThroughput < 2)
        {
            problems.Add($"{section}:MinimumThroughput must be at least 2 (got {o.MinimumThroughput}).");
        }

        Range(problems, section, "SamplingDuration", o.SamplingDuration, MinBreakerWindow, MaxDuration);
        Range(problems, section, "BreakDuration", o.BreakDuration, MinBreakerWindow, MaxDuration);
    }

    public static void CheckChat(ModelEndpointOptions o, string section, List<string> problems)
    {
        Range(problems, section, "StreamIdleTimeout", o.StreamIdleTimeout, MinTimeout, MaxDuration);
        if (o.MaxOutputTokens is < 1 or > 1_000_000)
        {
            problems.Add($"{section}:MaxOutputTokens must be between 1 and 1000000 (got {o.MaxOutputTokens}).");
        }

        if (!(o.Temperature >= 0 && o.Temperature <= 2))
        {
            problems.Add($"{section}:Temperature must be between 0 and 2 (got {o.Temperature}).");
        }
    }

    public static void CheckEmbeddings(EmbeddingEndpointOptions o, string section, List<string> problems)
    {
        if (o.Dimensions is < 1 or > 65536)
        {
            problems.Add($"{section}:Dimensions is required: the length of the model's vectors, between 1 and 65536 "
                + $"(e.g. 1536 for text-embedding-3-small; got {o.Dimensions}).");
        }

        if (o.BatchSize is < 1 or > 2048)
        {
            problems.Add($"{section}:BatchSize must be between 1 and 2048 (got {o.BatchSize}).");
        }
    }

    private static void Range(List<string> problems, string section, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            problems.Add($"{section}:{key} must be between {min} and {max} (got {value}).");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    private static partial Regex HeaderPattern();
}
