namespace Verity.Core.Jobs;

/// <summary>The ingestion queue is at its limit; the caller should retry after <see cref="RetryAfter"/>.</summary>
public sealed class QueueFullException(int queued, int limit, TimeSpan retryAfter)
    : VerityException($"The ingestion queue holds {queued} items (limit {limit}); retry later.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    public override bool IsTransient => true;
}
