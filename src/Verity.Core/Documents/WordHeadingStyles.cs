using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Verity.Core.Documents;

/// <summary>Which paragraph styles of a Word document are headings, and at what level. Built-in style names are
/// English in the file whatever the user's language ("heading 1" behind a German "Überschrift 1"), and a custom
/// style based on a heading inherits its outline level, so both are resolved through the style sheet.</summary>
internal sealed class WordHeadingStyles
{
    /// <summary>The Title style sits above Heading 1.</summary>
    public const int TitleLevel = 0;

    private const int MaxBasedOnDepth = 16;

    private readonly Dictionary<string, int> _levels;

    private WordHeadingStyles(Dictionary<string, int> levels) => _levels = levels;

    public static WordHeadingStyles From(StyleDefinitionsPart? part)
    {
        var styles = part?.Styles?.Elements<Style>()
            .Where(s => s.StyleId?.Value is not null && (s.Type is null || s.Type.Value == StyleValues.Paragraph))
            .GroupBy(s => s.StyleId!.Value!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal) ?? [];
        var levels = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in styles.Keys)
        {
            if (Resolve(styles, id, 0) is { } level)
            {
                levels[id] = level;
            }
        }

        return new WordHeadingStyles(levels);
    }

    /// <summary>The heading level of a paragraph (0 for Title, 1–9 for headings), or null for body text.</summary>
    public int? LevelOf(Paragraph paragraph)
    {
        var properties = paragraph.ParagraphProperties;
        if (properties?.OutlineLevel?.Val?.Value is { } outline)
        {
            return outline is >= 0 and <= 8 ? outline + 1 : null;
        }

        var styleId = properties?.ParagraphStyleId?.Val?.Value;
        if (styleId is null)
        {
            return null;
        }

        return _levels.TryGetValue(styleId, out var level) ? level : ByConvention(styleId);
    }

    private static int? Resolve(Dictionary<string, Style> styles, string id, int depth)
    {
        if (depth > MaxBasedOnDepth || !styles.TryGetValue(id, out var style))
        {
            return ByConvention(id);
        }

        if (ByName(style.StyleName?.Val?.Value) is { } named)
        {
            return named;
        }

        if (style.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } outline)
        {
            return outline is >= 0 and <= 8 ? outline + 1 : null;
        }

        return style.BasedOn?.Val?.Value is { } parent ? Resolve(styles, parent, depth + 1) : ByConvention(id);
    }

    private static int? ByName(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (name.Equals("title", StringComparison.OrdinalIgnoreCase))
        {
            return TitleLevel;
        }

        return name.StartsWith("heading ", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(name.AsSpan(8), out var level) && level is >= 1 and <= 9
            ? level
            : null;
    }

    // Documents without a style sheet still use the conventional ids.
    private static int? ByConvention(string styleId)
    {
        if (styleId.Equals("Title", StringComparison.OrdinalIgnoreCase))
        {
            return TitleLevel;
        }

        return styleId.StartsWith("Heading", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(styleId.AsSpan(7), out var level) && level is >= 1 and <= 9
            ? level
            : null;
    }
}
