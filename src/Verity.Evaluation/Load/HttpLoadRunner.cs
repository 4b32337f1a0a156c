using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Verity.Evaluation.Load;

/// <summary>Drives <c>POST /v1/search</c> and/or <c>POST /v1/chat</c> of a running Verity server: N workers in a
/// closed loop (each sends its next request when the previous one completes) over one shared connection pool,
/// first for the warm-up, then for the measured duration or until the request bound. Every request's outcome is
/// counted (status code or exception kind); nothing a request does is thrown to the caller.</summary>
public sealed class HttpLoadRunner : IDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private readonly HttpLoadOptions _options;
    private readonly HttpClient _client;
    private readonly Uri _baseAddress;
    private readonly Uri _searchUri;
    private readonly Uri _chatUri;
    private readonly byte[][] _searchBodies;
    private readonly byte[][] _chatBodies;

    /// <param name="handler">The transport; by default a <see cref="SocketsHttpHandler"/> with a connection per
    /// worker. The runner disposes only a handler it created.</param>
    public HttpLoadRunner(HttpLoadOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _baseAddress = options.BaseAddress.AbsolutePath.EndsWith('/')
            ? options.BaseAddress
            : new Uri(options.BaseAddress.GetLeftPart(UriPartial.Path) + "/");
        _searchUri = new Uri(_baseAddress, "v1/search");
        _chatUri = new Uri(_baseAddress, "v1/chat");

        // Serialised once: the loop should measure the server, not the client's JSON writer.
        _searchBodies = options.Queries.Select(q => JsonSerializer.SerializeToUtf8Bytes(new { query = q })).ToArray();
        _chatBodies = options.Queries.Select(q => JsonSerializer.SerializeToUtf8Bytes(new { question = q })).ToArray();

        var owned = handler is null;
        handler ??= new SocketsHttpHandler
        {
            // A connection per worker (plus the probe's), so that no worker queues behind another's connection and
            // the server sees exactly the configured concurrency.
            MaxConnectionsPerServer = options.Concurrency + 1,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = ProbeTimeout,
            // The server is measured directly: an HTTP_PROXY from the environment would add a hop (and its limits).
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _client = new HttpClient(handler, disposeHandler: owned) { Timeout = options.RequestTimeout };
        if (options.BearerToken is not null)
        {
            _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.BearerToken);
        }
    }

    /// <summary>One <c>GET /healthz</c>, so that a wrong URL or a stopped server is one clear error up front
    /// rather than a run made only of connection failures.</summary>
    /// <exception cref="InvalidOperationException">No answer, or not a 2xx one.</exception>
    public async Task EnsureReachableAsync(CancellationToken cancellationToken)
    {
        var health = new Uri(_baseAddress, "healthz");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _client.GetAsync(health, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"The server at {_baseAddress} did not answer GET {health} within {ProbeTimeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException(
                $"Cannot reach a Verity server at {_baseAddress} ({e.Message}). Start one with 'verity serve' or 'verity demo'.", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"GET {health} answered {(int)response.StatusCode} {response.ReasonPhrase}; is {_baseAddress} a Verity server?");
            }
        }
    }

    /// <summary>Runs the warm-up and the measured phase, then waits for the requests still in flight (each bounded
    /// by <see cref="HttpLoadOptions.RequestTimeout"/>).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<LoadReport> RunAsync(IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        var run = new RunState(_options, Stopwatch.GetTimestamp());
        using var stopReporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporter = progress is null ? Task.CompletedTask : ReportAsync(run, progress, stopReporting.Token);

        WorkerStats[] workers;
        try
        {
            // Task.Run, so that every worker starts now rather than after the previous one's first await.
            workers = await Task.WhenAll(Enumerable.Range(0, _options.Concurrency)
                .Select(_ => Task.Run(() => WorkAsync(run, cancellationToken), cancellationToken)));
        }
        finally
        {
            await stopReporting.CancelAsync();
            await reporter;
        }

        var elapsedS = Math.Max(0, (Stopwatch.GetTimestamp() - run.MeasureFrom) / (double)Stopwatch.Frequency);
        var active = _options.Endpoint switch
        {
            LoadEndpoint.Search => [LoadEndpoint.Search],
            LoadEndpoint.Chat => [LoadEndpoint.Chat],
            _ => new[] { LoadEndpoint.Search, LoadEndpoint.Chat },
        };

        var total = new EndpointRecorder();
        var endpoints = new Dictionary<string, EndpointStats>();
        foreach (var endpoint in active)
        {
            var merged = new EndpointRecorder();
            foreach (var worker in workers)
            {
                merged.Add(worker.For(endpoint));
            }

            total.Add(merged);
            endpoints[endpoint == LoadEndpoint.Search ? "search" : "chat"] = merged.ToStats(elapsedS);
        }

        return new LoadReport(
            _baseAddress,
            _options.Endpoint,
            _options.Concurrency,
            _options.Duration.TotalSeconds,
            _options.Warmup.TotalSeconds,
            _options.MaxRequests,
            _options.Queries.Count,
            Interlocked.Read(ref run.WarmupCompleted),
            Math.Round(elapsedS, 3),
            total.ToStats(elapsedS),
            endpoints,
            total.Latency.Bins(16));
    }

    public void Dispose() => _client.Dispose();

    private async Task<WorkerStats> WorkAsync(RunState run, CancellationToken cancellationToken)
    {
        var stats = new WorkerStats();
        var endpointCount = _options.Endpoint == LoadEndpoint.Both ? 2 : 1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            if (start >= run.EndsAt)
            {
                break;
            }

            // A request counts if it starts after the warm-up; the bound is reserved before sending so that
            // concurrent workers cannot overshoot it.
            var measured = start >= run.MeasureFrom;
            if (measured && _options.MaxRequests is { } max && Interlocked.Increment(ref run.Reserved) > max)
            {
                break;
            }

            // One shared sequence: with both endpoints, even numbers search and odd ones chat, and each endpoint
            // walks through every query in turn.
            var sequence = Interlocked.Increment(ref run.Sequence) - 1;
            var endpoint = _options.Endpoint switch
            {
                LoadEndpoint.Both => sequence % 2 == 0 ? LoadEndpoint.Search : LoadEndpoint.Chat,
                var single => single,
            };
            var query = (int)(sequence / endpointCount % _options.Queries.Count);
            var (status, failure) = await SendAsync(endpoint, query, cancellationToken);
            var latencyTicks = Stopwatch.GetTimestamp() - start;

            if (!measured)
            {
                Interlocked.Increment(ref run.WarmupCompleted);
                continue;
            }

            var ok = stats.For(endpoint).Record(status, failure, latencyTicks * 1_000_000 / Stopwatch.Frequency);
            Interlocked.Increment(ref run.Completed);
            if (!ok)
            {
                Interlocked.Increment(ref run.Errors);
            }
        }

        return stats;
    }

    private async Task<(int Status, string? Failure)> SendAsync(LoadEndpoint endpoint, int query, CancellationToken cancellationToken)
    {
        var (uri, body) = endpoint == LoadEndpoint.Search ? (_searchUri, _searchBodies[query]) : (_chatUri, _chatBodies[query]);
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };

            // ResponseContentRead: the latency includes reading the whole body, as a client would.
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return (0, Classify(e));
        }
    }

    /// <summary>A short snake_case name for why a request got no response.</summary>
    internal static string Classify(Exception exception) => exception switch
    {
        OperationCanceledException => "timeout",
        HttpRequestException { InnerException: SocketException socket } => Snake(socket.SocketErrorCode.ToString()),
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http => Snake(http.HttpRequestError.ToString()),
        _ => Snake(exception.GetType().Name.Replace("Exception", "", StringComparison.Ordinal)),
    };

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    private async Task ReportAsync(RunState run, IProgress<LoadProgress> progress, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ProgressInterval);
        var lastTime = run.StartedAt;
        long lastDone = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = Stopwatch.GetTimestamp();
                var done = Interlocked.Read(ref run.Completed) + Interlocked.Read(ref run.WarmupCompleted);
                var seconds = (now - lastTime) / (double)Stopwatch.Frequency;
                progress.Report(new LoadProgress(
                    now < run.MeasureFrom ? LoadPhase.Warmup : now < run.EndsAt ? LoadPhase.Measuring : LoadPhase.Draining,
                    Stopwatch.GetElapsedTime(run.StartedAt, now),
                    _options.Warmup + _options.Duration,
                    Interlocked.Read(ref run.Completed),
                    Interlocked.Read(ref run.Errors),
                    seconds > 0 ? (done - lastDone) / seconds : 0));
                lastTime = now;
                lastDone = done;
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over (or cancelled, which RunAsync reports itself).
        }
    }

    /// <summary>The schedule and the shared counters of one run; fields, so that workers can update them with
    /// <see cref="Interlocked"/>.</summary>
    private sealed class RunState(HttpLoadOptions options, long startedAt)
    {
        public readonly long StartedAt = startedAt;
        public readonly long MeasureFrom = startedAt + ToTimestampTicks(options.Warmup);
        public readonly long EndsAt = startedAt + ToTimestampTicks(options.Warmup + options.Duration);
        public long Sequence;
        public long Reserved;
        public long Completed;
        public long Errors;
        public long WarmupCompleted;

        private static long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
    }

    private sealed class WorkerStats
    {
        private readonly EndpointRecorder _search = new();
        private readonly EndpointRecorder _chat = new();

        public EndpointRecorder For(LoadEndpoint endpoint) => endpoint == LoadEndpoint.Search ? _search : _chat;
    }

    private sealed class EndpointRecorder
    {
        private readonly SortedDictionary<int, long> _byStatus = [];
        private readonly SortedDictionary<string, long> _exceptions = new(StringComparer.Ordinal);
        private long _requests;

        public LatencyHistogram Latency { get; } = new();

        /// <returns>Whether the request succeeded (2xx).</returns>
        public bool Record(int status, string? failure, long microseconds)
        {
            _requests++;
            if (failure is not null)
            {
                _exceptions[failure] = _exceptions.GetValueOrDefault(failure) + 1;
                return false;
            }

            if (status is < 200 or > 299)
            {
                _byStatus[status] = _byStatus.GetValueOrDefault(status) + 1;
                return false;
            }

            Latency.Record(microseconds);
            return true;
        }

        public void Add(EndpointRecorder other)
        {
            _requests += other._requests;
            Latency.Add(other.Latency);
            foreach (var (status, count) in other._byStatus)
            {
                _byStatus[status] = _byStatus.GetValueOrDefault(status) + count;
            }

            foreach (var (kind, count) in other._exceptions)
            {
                _exceptions[kind] = _exceptions.GetValueOrDefault(kind) + count;
            }
        }

        public EndpointStats ToStats(double elapsedS) => new(
            _requests,
            Latency.Count,
            _requests - Latency.Count,
            elapsedS > 0 ? Math.Round(_requests / elapsedS, 2) : 0,
            new SortedDictionary<int, long>(_byStatus),
            new SortedDictionary<string, long>(_exceptions, StringComparer.Ordinal),
            Latency.Summary());
    }
}
