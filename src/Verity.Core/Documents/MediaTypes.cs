namespace Verity.Core.Documents;

public static class MediaTypes
{
    public const string PlainText = "text/plain";
    public const string Markdown = "text/markdown";
    public const string Html = "text/html";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = PlainText,
        [".text"] = PlainText,
        [".md"] = Markdown,
        [".markdown"] = Markdown,
        [".html"] = Html,
        [".htm"] = Html,
    };

    public static IReadOnlyCollection<string> SupportedExtensions => ByExtension.Keys;

    public static string? FromExtension(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var type) ? type : null;

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

    public static bool IsSupported(string mediaType) =>
        mediaType is PlainText or Markdown or Html;
}
