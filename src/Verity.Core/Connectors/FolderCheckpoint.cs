using System.Text.Json;
using System.Text.Json.Serialization;

namespace Verity.Core.Connectors;

/// <summary>What a folder scan remembers of each file it queued or skipped: size, last write time and a stamp of the
/// sidecars that apply to it. A file whose three values are unchanged, and which the index holds, is not read again.</summary>
internal sealed record FolderCheckpoint
{
    private const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public int Version { get; init; } = CurrentVersion;

    public Dictionary<string, FolderCheckpointEntry> Files { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The stored checkpoint, or an empty one when there is none or it cannot be read (which costs one full
    /// scan, never a wrong skip).</summary>
    public static FolderCheckpoint Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new FolderCheckpoint();
        }

        try
        {
            var parsed = JsonSerializer.Deserialize<FolderCheckpoint>(json, Json);
            return parsed is { Version: CurrentVersion, Files: not null }
                ? parsed with { Files = new Dictionary<string, FolderCheckpointEntry>(parsed.Files, StringComparer.Ordinal) }
                : new FolderCheckpoint();
        }
        catch (JsonException)
        {
            return new FolderCheckpoint();
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <param name="Size">File length in bytes.</param>
/// <param name="Ticks">Last write time, UTC ticks.</param>
/// <param name="Sidecars">Stamp of the ACL and metadata sidecars that apply to the file; null when none does.</param>
internal sealed record FolderCheckpointEntry(long Size, long Ticks, string? Sidecars);
