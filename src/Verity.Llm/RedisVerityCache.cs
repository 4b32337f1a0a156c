using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Verity.Core.Caching;

namespace Verity.Llm;

/// <summary>
/// The cache shared by every replica, in Redis: keys prefixed (<c>verity:</c> by default), values stored with their
/// expiry. It connects on first use and never blocks start-up or fails a request: while Redis cannot be reached,
/// reads miss and writes are dropped (fast: commands are not queued while disconnected), with a warning at most once
/// a minute, and it reconnects in the background.
/// </summary>
/// <remarks>Timeouts default to 2 s for connecting and 1 s per command unless the connection string sets
/// <c>connectTimeout</c>, <c>syncTimeout</c> or <c>asyncTimeout</c>. The connection string (it may hold a password)
/// is never logged.</remarks>
public sealed class RedisVerityCache : IVerityCache, IAsyncDisposable, IDisposable
{
    public const string DefaultKeyPrefix = "verity:";

    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private readonly ConfigurationOptions _configuration;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly Lock _warningLock = new();
    private ConnectionMultiplexer? _connection;
    private DateTimeOffset _lastWarning = DateTimeOffset.MinValue;
    private int _suppressed;
    private bool _disposed;

    public RedisVerityCache(
        string connectionString, ILogger<RedisVerityCache>? logger = null, TimeProvider? timeProvider = null, string keyPrefix = DefaultKeyPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _configuration = ConfigurationOptions.Parse(connectionString);
        _configuration.AbortOnConnectFail = false;
        _configuration.BacklogPolicy = BacklogPolicy.FailFast;
        _configuration.ClientName ??= "verity";
        if (!Specifies(connectionString, "connectTimeout"))
        {
            _configuration.ConnectTimeout = 2000;
        }

        if (!Specifies(connectionString, "syncTimeout"))
        {
            _configuration.SyncTimeout = 1000;
        }

        if (!Specifies(connectionString, "asyncTimeout"))
        {
            _configuration.AsyncTimeout = 1000;
        }

        _prefix = keyPrefix;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Kind => "redis";

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
            var value = await database.StringGetAsync(_prefix + key).WaitAsync(cancellationToken).ConfigureAwait(false);
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            Warn(e);
            return null;
        }
    }

    public async ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        if (timeToLive <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            var database = await DatabaseAsync(cancellationToken).ConfigureAwait(false);
            await database.StringSetAsync(_prefix + key, value, timeToLive).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            Warn(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectLock.Dispose();
    }

    public void Dispose()
    {
        _disposed = true;
        _connection?.Dispose();
        _connectLock.Dispose();
    }

    private async ValueTask<IDatabase> DatabaseAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _connection) is { } connected)
        {
            return connected.GetDatabase();
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Without AbortOnConnectFail this returns even when Redis is down, and keeps reconnecting by itself.
            _connection ??= await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);
            return _connection.GetDatabase();
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private void Warn(Exception exception)
    {
        lock (_warningLock)
        {
            var now = _timeProvider.GetUtcNow();
            if (now - _lastWarning < WarningInterval)
            {
                _suppressed++;
                return;
            }

            Log.RedisUnavailable(_logger, exception is RedisConnectionException c ? c.FailureType.ToString() : exception.GetType().Name, _suppressed);
            _lastWarning = now;
            _suppressed = 0;
        }
    }

    private static bool Specifies(string connectionString, string option) =>
        connectionString.Split(',').Any(part => part.Trim().StartsWith(option + "=", StringComparison.OrdinalIgnoreCase));
}
