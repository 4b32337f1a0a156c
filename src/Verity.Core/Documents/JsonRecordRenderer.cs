using System.Text;
using System.Text.Json;

namespace Verity.Core.Documents;

/// <summary>Turns one JSON record into a title and text, as configured by <see cref="JsonFormatOptions"/>.</summary>
internal sealed class JsonRecordRenderer(JsonFormatOptions options)
{
    private readonly IReadOnlyList<string> _textFields = options.EffectiveTextFields;

    public (string? Title, string Body) Render(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            return (null, Lines(record, ""));
        }

        var titleField = string.IsNullOrWhiteSpace(options.TitleField) ? null : options.TitleField;
        var title = titleField is not null && Find(record, titleField) is { ValueKind: JsonValueKind.String } t
            ? Collapse(t.GetString()!)
            : null;
        var texts = _textFields
            .Select(field => Find(record, field) is { } value ? Lines(value, "") : "")
            .Where(text => text.Length > 0)
            .ToList();
        if (texts.Count > 0)
        {
            return (NullIfEmpty(title), string.Join("\n\n", texts));
        }

        // No text field: every value, labelled by where it sits, except the title (which is the heading).
        var lines = new StringBuilder();
        foreach (var property in record.EnumerateObject())
        {
            if (title is not null && string.Equals(property.Name, titleField, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            AppendLines(lines, property.Value, property.Name);
        }

        return (NullIfEmpty(title), lines.ToString().TrimEnd('\n'));
    }

    /// <summary>The value at a field name or dotted path, matching names exactly first, then ignoring case.</summary>
    public static JsonElement? Find(JsonElement record, string path)
    {
        var current = record;
        foreach (var name in path.Split('.', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (current.TryGetProperty(name, out var exact))
            {
                current = exact;
                continue;
            }

            var match = current.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match.Value.ValueKind == JsonValueKind.Undefined)
            {
                return null;
            }

            current = match.Value;
        }

        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    /// <summary>The scalar values in an element (itself, or the items of an array), as text.</summary>
    public static IEnumerable<string> Scalars(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray().Select(Scalar).OfType<string>(),
        _ => Scalar(value) is { } scalar ? [scalar] : [],
    };

    private static string Lines(JsonElement value, string path)
    {
        var lines = new StringBuilder();
        AppendLines(lines, value, path);
        return lines.ToString().Trim();
    }

    private static void AppendLines(StringBuilder lines, JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    AppendLines(lines, property.Value, path.Length > 0 ? $"{path}.{property.Name}" : property.Name);
                }

                break;
            case JsonValueKind.Array when value.EnumerateArray().All(item => Scalar(item) is not null || item.ValueKind == JsonValueKind.Null):
                var items = value.EnumerateArray().Select(Scalar).OfType<string>().Where(s => s.Length > 0).ToList();
                if (items.Count > 0)
                {
                    // A list of strings at the top (a text field holding paragraphs) keeps one per line.
                    AppendLine(lines, path, path.Length > 0 ? string.Join(", ", items) : string.Join("\n", items));
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    AppendLines(lines, item, $"{path}[{index++}]");
                }

                break;
            default:
                if (Scalar(value) is { Length: > 0 } scalar)
                {
                    AppendLine(lines, path, scalar);
                }

                break;
        }
    }

    private static void AppendLine(StringBuilder lines, string path, string value) =>
        lines.Append(path.Length > 0 ? $"{path}: {value}" : value).Append('\n');

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Trim(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static string Collapse(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
