using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verity.Core.Connectors;

/// <summary>What a crawl remembers of each page: its validators, for a conditional request next time, and its
/// outgoing links, so that a crawl can go on through a page that answered 304 Not Modified without its body.</summary>
internal sealed record CrawlCheckpoint
{
    private const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public int Version { get; init; } = CurrentVersion;

    public Dictionary<string, CrawlCheckpointEntry> Pages { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The stored checkpoint, or an empty one when there is none or it cannot be read (which costs full
    /// downloads once, never a wrong 304).</summary>
    public static CrawlCheckpoint Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new CrawlCheckpoint();
        }

        try
        {
            var parsed = JsonSerializer.Deserialize<CrawlCheckpoint>(json, Json);
            return parsed is { Version: CurrentVersion, Pages: not null }
                ? parsed with { Pages = new Dictionary<string, CrawlCheckpointEntry>(parsed.Pages, StringComparer.Ordinal) }
                : new CrawlCheckpoint();
        }
        catch (JsonException)
        {
            return new CrawlCheckpoint();
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <param name="ETag">The page's <c>ETag</c> header, as sent.</param>
/// <param name="LastModified">The page's <c>Last-Modified</c> header, as sent.</param>
/// <param name="Links">The in-scope links the page had when it was last downloaded.</param>
internal sealed record CrawlCheckpointEntry(string? ETag, string? LastModified, IReadOnlyList<string>? Links)
{
    public bool HasValidator => ETag is not null || LastModified is not null;
}
