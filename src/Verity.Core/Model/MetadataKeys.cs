namespace Verity.Core.Model;

/// <summary>Metadata every document carries when known, beside the caller's own keys. Stored in the document's
/// metadata map, so each is a retrieval filter like any custom key (dates as ISO 8601 UTC, so ranges work).</summary>
public static class MetadataKeys
{
    public const string Title = "title";
    public const string SourceUri = "source_uri";
    public const string Author = "author";
    public const string Created = "created";
    public const string Modified = "modified";
    public const string MediaType = "mime_type";

    public static readonly IReadOnlySet<string> Standard =
        new HashSet<string>(StringComparer.Ordinal) { Title, SourceUri, Author, Created, Modified, MediaType };

    /// <summary>The form dates are stored in: sortable as text.</summary>
    public static string FormatDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
