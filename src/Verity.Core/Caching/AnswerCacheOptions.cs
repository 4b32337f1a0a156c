namespace Verity.Core.Caching;

public sealed class AnswerCacheOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>An upper bound only: any write to the tenant's index changes the key, so entries built on old
    /// documents are never read again, whatever their age.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(10);
}
