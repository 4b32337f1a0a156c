using System.ClientModel;
using System.Globalization;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Verity.Llm;

/// <summary>Sorts endpoint failures: what is worth a retry, what counts against the circuit, and a short reason
/// for messages, logs and health that holds no secret (never the exception's own message, which may quote a
/// response body).</summary>
internal static class FailureClassifier
{
    /// <summary>Worth another attempt: the endpoint may answer next time.</summary>
    public static bool IsTransient(Exception exception, CancellationToken callerToken) => exception switch
    {
        OperationCanceledException => !callerToken.IsCancellationRequested,
        TimeoutRejectedException or HttpRequestException or IOException or StreamIdleTimeoutException => true,
        ClientResultException result => result.Status is 0 or 408 or 429 or 500 or 502 or 503 or 504,
        _ => false,
    };

    /// <summary>Counts against the circuit: every failure except the caller's cancellation and the errors a
    /// request causes by itself (400, 413, 422 …). 401/403/404 count, as every later call will fail the same way.</summary>
    public static bool CountsAgainstEndpoint(Exception exception, CancellationToken callerToken) => exception switch
    {
        OperationCanceledException => !callerToken.IsCancellationRequested,
        BrokenCircuitException => false,
        ClientResultException { Status: >= 400 and < 500 } result => IsTransient(result, callerToken) || result.Status is 401 or 403 or 404,
        _ => true,
    };

    public static string Describe(Exception exception, RemoteEndpointOptions options) => exception switch
    {
        TimeoutRejectedException timeout when timeout.Timeout == options.TotalTimeout && options.TotalTimeout != options.Timeout
            => $"no response within {Seconds(options.TotalTimeout)} s over all attempts",
        TimeoutRejectedException timeout => $"no response within {Seconds(timeout.Timeout)} s",
        StreamIdleTimeoutException idle => $"no update for {Seconds(idle.IdleTimeout)} s in the middle of the answer",
        ClientResultException { Status: 0 } result => result.InnerException is HttpRequestException http
            ? $"connection failed ({http.HttpRequestError})" : "no response",
        ClientResultException { Status: 401 or 403 } result => $"HTTP {result.Status} (check the API key)",
        ClientResultException { Status: 404 } => "HTTP 404 (check the endpoint URL and the model name)",
        ClientResultException { Status: 429 } => "HTTP 429 (rate limited)",
        ClientResultException result => $"HTTP {result.Status}",
        HttpRequestException http => $"connection failed ({http.HttpRequestError})",
        IOException => "connection dropped",
        OperationCanceledException => "network timeout",
        _ => $"unexpected response ({exception.GetType().Name})",
    };

    /// <summary>The failure as it may be attached to a <c>ModelUnavailableException</c>: an SDK error's message
    /// quotes the response body, which a misbehaving server or proxy could fill with the request's key, so it is
    /// replaced by its status (and the transport error beneath it, whose message names only the host).</summary>
    public static Exception? Sanitize(Exception? exception) => exception switch
    {
        ClientResultException { Status: 0 } result => result.InnerException is HttpRequestException http
            ? http : new HttpRequestException("No response."),
        ClientResultException result => new HttpRequestException(
            $"The endpoint answered HTTP {result.Status}.", null, (System.Net.HttpStatusCode)result.Status),
        BrokenCircuitException { InnerException: { } last } broken => new BrokenCircuitException(broken.Message, Sanitize(last)!),
        TimeoutRejectedException or StreamIdleTimeoutException => exception,
        { InnerException: ClientResultException } => new InvalidOperationException(exception.GetType().Name, Sanitize(exception.InnerException)),
        _ => exception,
    };

    /// <summary>The wait the endpoint asked for, from <c>retry-after-ms</c> (Azure OpenAI) or <c>Retry-After</c>
    /// (seconds or an HTTP date); null when it sent neither.</summary>
    public static TimeSpan? RetryAfter(Exception exception, DateTimeOffset now)
    {
        var headers = (exception as ClientResultException)?.GetRawResponse()?.Headers;
        if (headers is null)
        {
            return null;
        }

        headers.TryGetValue("retry-after-ms", out var milliseconds);
        headers.TryGetValue("Retry-After", out var retryAfter);
        return ParseRetryAfter(milliseconds, retryAfter, now);
    }

    public static TimeSpan? ParseRetryAfter(string? milliseconds, string? retryAfter, DateTimeOffset now)
    {
        if (double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(retryAfter, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>A streamed answer stopped sending updates for longer than the endpoint's StreamIdleTimeout.</summary>
internal sealed class StreamIdleTimeoutException(TimeSpan idleTimeout, Exception? inner)
    : TimeoutException($"No update for {idleTimeout} in the middle of a streamed answer.", inner)
{
    public TimeSpan IdleTimeout { get; } = idleTimeout;
}
