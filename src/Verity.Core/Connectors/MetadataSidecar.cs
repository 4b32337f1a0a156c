using System.Globalization;
using System.Text.Json;

namespace Verity.Core.Connectors;

/// <summary>
/// Folder documents take a title, an author and custom metadata from sidecar files: <c>report.md.meta.json</c>
/// beside a file applies to it; <c>.meta.json</c> in a folder applies to every file in it and below. Content:
/// <c>{"title": "…", "author": "…", "metadata": {"team": "payments"}}</c>, every property optional. Folder sidecars
/// are merged from the root down and the file's own over them (closer keys win); a folder sidecar may not set a
/// title, since one title for many files would make them indistinguishable.
/// </summary>
public static class MetadataSidecar
{
    public const string FileName = ".meta.json";

    public static bool IsSidecar(string path) => path.EndsWith(FileName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a sidecar; throws <see cref="DocumentRejectedException"/> with the reason when it is not valid.</summary>
    public static SidecarMetadata Parse(string json, string path, bool folderLevel)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new DocumentRejectedException($"{path} is not valid JSON: {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new DocumentRejectedException($"{path} must hold an object with title, author and metadata.");
            }

            string? title = null, author = null;
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "title" when folderLevel:
                        throw new DocumentRejectedException(
                            $"{path} sets a title, which would apply to every file in the folder; put it in the file's own <name>{FileName}.");
                    case "title":
                        title = Text(property.Value, path, "title");
                        break;
                    case "author":
                        author = Text(property.Value, path, "author");
                        break;
                    case "metadata" when property.Value.ValueKind == JsonValueKind.Object:
                        foreach (var entry in property.Value.EnumerateObject())
                        {
                            metadata[entry.Name] = Text(entry.Value, path, "metadata." + entry.Name);
                        }

                        break;
                    case "metadata":
                        throw new DocumentRejectedException($"{path}: \"metadata\" must be an object of names to values.");
                    default:
                        throw new DocumentRejectedException(
                            $"{path} has an unknown property \"{property.Name}\"; the properties are title, author and metadata.");
                }
            }

            return new SidecarMetadata(title, author, metadata);
        }
    }

    private static string Text(JsonElement value, string path, string name) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new DocumentRejectedException(
            string.Create(CultureInfo.InvariantCulture, $"{path}: \"{name}\" must be a string, a number or a boolean.")),
    };
}

/// <summary>What a metadata sidecar says about a document.</summary>
public sealed record SidecarMetadata(string? Title, string? Author, IReadOnlyDictionary<string, string> Metadata)
{
    public static SidecarMetadata Empty { get; } = new(null, null, new Dictionary<string, string>());

    /// <summary>This sidecar with a closer one laid over it: the closer one's values win.</summary>
    public SidecarMetadata Under(SidecarMetadata closer)
    {
        if (ReferenceEquals(this, Empty))
        {
            return closer;
        }

        var metadata = new Dictionary<string, string>(Metadata, StringComparer.Ordinal);
        foreach (var (key, value) in closer.Metadata)
        {
            metadata[key] = value;
        }

        return new SidecarMetadata(closer.Title ?? Title, closer.Author ?? Author, metadata);
    }
}
