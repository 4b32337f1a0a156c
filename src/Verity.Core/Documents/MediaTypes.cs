namespace Verity.Core.Documents;

public static class MediaTypes
{
    public const string PlainText = "text/plain";
    public const string Markdown = "text/markdown";
    public const string Html = "text/html";
    public const string Csv = "text/csv";
    public const string Json = "application/json";
    public const string JsonLines = "application/jsonl";
    public const string Pdf = "application/pdf";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Any byte stream; the loader is then chosen by content alone.</summary>
    public const string OctetStream = "application/octet-stream";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = PlainText,
        [".text"] = PlainText,
        [".log"] = PlainText,
        [".md"] = Markdown,
        [".markdown"] = Markdown,
        [".html"] = Html,
        [".htm"] = Html,
        [".csv"] = Csv,
        [".json"] = Json,
        [".jsonl"] = JsonLines,
        [".ndjson"] = JsonLines,
        [".pdf"] = Pdf,
        [".docx"] = Docx,
        [".pptx"] = Pptx,
        [".xlsx"] = Xlsx,
    };

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text/x-markdown"] = Markdown,
        ["application/xhtml+xml"] = Html,
        ["application/csv"] = Csv,
        ["text/json"] = Json,
        ["application/x-ndjson"] = JsonLines,
        ["application/x-jsonlines"] = JsonLines,
        ["application/jsonlines"] = JsonLines,
        ["application/ndjson"] = JsonLines,
        ["application/x-pdf"] = Pdf,
    };

    public static IReadOnlyCollection<string> SupportedExtensions => ByExtension.Keys;

    public static string? FromExtension(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var type) ? type : null;

    /// <summary>The canonical form of a declared media type: parameters (<c>; charset=…</c>) dropped, aliases
    /// mapped, lower case. Null or blank stays null.</summary>
    public static string? Canonical(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType))
        {
            return null;
        }

        var bare = mediaType.Split(';', 2)[0].Trim().ToLowerInvariant();
        return Aliases.TryGetValue(bare, out var alias) ? alias : bare;
    }

    /// <summary>Looks at the content as well as the name: an HTML page saved as <c>.txt</c> is still HTML.</summary>
    public static string Sniff(string declared, string text)
    {
        if (declared == Html)
        {
            return declared;
        }

        var head = text.AsSpan(0, Math.Min(text.Length, 512)).TrimStart();
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            ? Html
            : declared;
    }

    /// <summary>True for the formats that are text (decoded, then parsed) rather than binary containers.</summary>
    public static bool IsText(string mediaType) =>
        mediaType is PlainText or Markdown or Html or Csv or Json or JsonLines;
}
