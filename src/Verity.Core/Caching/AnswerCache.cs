using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Verity.Core.Caching;

/// <summary>
/// Finished answers by <see cref="AnswerCacheKey"/>, as JSON in an <see cref="IVerityCache"/>. Lookups count under
/// <c>answers</c> in <see cref="CacheStatistics"/>. Like every cache here it is an optimisation only: an unreachable
/// backend or an entry that no longer deserialises is a miss, never an error.
/// </summary>
public sealed class AnswerCache(
    IVerityCache cache, CacheStatistics statistics, AnswerCacheOptions options, ILogger<AnswerCache>? logger = null)
{
    /// <summary>The name lookups are recorded under in <see cref="CacheStatistics"/>.</summary>
    public const string StatisticsName = "answers";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ILogger _logger = logger ?? NullLogger<AnswerCache>.Instance;

    public bool Enabled => options.Enabled && options.TimeToLive > TimeSpan.Zero;

    /// <summary>The cached value, or default on a miss (and always when the cache is disabled, without counting).</summary>
    public async ValueTask<T?> GetAsync<T>(AnswerCacheKey key, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Enabled)
        {
            return default;
        }

        byte[]? bytes;
        try
        {
            bytes = await cache.GetAsync(key.Value, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.CacheReadFailed(_logger, StatisticsName, e);
            bytes = null;
        }

        var value = bytes is null ? default : Deserialize<T>(bytes);
        statistics.Record(StatisticsName, value is not null);
        return value;
    }

    public async ValueTask SetAsync<T>(AnswerCacheKey key, T value, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Enabled || value is null)
        {
            return;
        }

        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Json);
            await cache.SetAsync(key.Value, bytes, options.TimeToLive, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.CacheWriteFailed(_logger, StatisticsName, e);
        }
    }

    private T? Deserialize<T>(byte[] bytes)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            // An entry written by an older version of the type, or damaged in the backend.
            Log.CacheEntryUnreadable(_logger, StatisticsName, typeof(T).Name, e);
            return default;
        }
    }
}
