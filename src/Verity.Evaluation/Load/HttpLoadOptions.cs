namespace Verity.Evaluation.Load;

/// <summary>Which API the load goes to; <see cref="Both"/> alternates search and chat request by request.</summary>
public enum LoadEndpoint
{
    Both,
    Search,
    Chat,
}

/// <summary>One load run against a Verity server: where, how hard and for how long. Both the time and (optionally)
/// the number of requests are bounded, so a run always ends by itself.</summary>
public sealed record HttpLoadOptions
{
    public const int MaxConcurrency = 256;

    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    /// <summary>The server's base address; the endpoints are resolved under it (<c>v1/search</c>, <c>v1/chat</c>).</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>Questions sent in turn; each endpoint cycles through all of them.</summary>
    public required IReadOnlyList<string> Queries { get; init; }

    public LoadEndpoint Endpoint { get; init; } = LoadEndpoint.Both;

    /// <summary>Workers, each with at most one request in flight (closed loop).</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>The measured phase, after the warm-up.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Load before measuring, so that JIT, connection set-up and cold caches stay out of the figures.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>At most this many measured requests (warm-up requests are bounded by time only).</summary>
    public long? MaxRequests { get; init; }

    /// <summary>A request without a response by then counts as a <c>timeout</c> error; it also bounds how long the
    /// run waits for requests still in flight when the time is up.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Sent as <c>Authorization: Bearer …</c> with every request, for servers that require sign-in.</summary>
    public string? BearerToken { get; init; }

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(BaseAddress);
        if (!BaseAddress.IsAbsoluteUri || (BaseAddress.Scheme != Uri.UriSchemeHttp && BaseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{BaseAddress}' is not an absolute http or https URL.", nameof(BaseAddress));
        }

        ArgumentNullException.ThrowIfNull(Queries);
        if (Queries.Count == 0)
        {
            throw new ArgumentException("At least one query is needed.", nameof(Queries));
        }

        if (!Enum.IsDefined(Endpoint))
        {
            throw new ArgumentOutOfRangeException(nameof(Endpoint), Endpoint, "Unknown endpoint.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Concurrency, 1, nameof(Concurrency));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Concurrency, MaxConcurrency, nameof(Concurrency));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Duration, TimeSpan.Zero, nameof(Duration));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Duration, MaxDuration, nameof(Duration));
        ArgumentOutOfRangeException.ThrowIfLessThan(Warmup, TimeSpan.Zero, nameof(Warmup));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Warmup, MaxDuration, nameof(Warmup));
        if (MaxRequests is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(MaxRequests));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ProgressInterval, TimeSpan.Zero, nameof(ProgressInterval));
        if (BearerToken is not null && (BearerToken.Length == 0 || BearerToken.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException("A bearer token is one non-empty word.", nameof(BearerToken));
        }
    }
}
