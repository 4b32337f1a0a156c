using System.Text;
using System.Text.Json;

namespace Verity.Core.Documents;

/// <summary>JSON and JSON Lines: one value, an array of records, or one record per line, each record a section
/// headed by its title field. A record's text is its configured text fields (<see cref="JsonFormatOptions"/>), or,
/// when it has none, every scalar in it as a "path: value" line. Configured metadata fields become document
/// metadata.</summary>
public sealed class JsonParser(JsonFormatOptions options) : IBoundedDocumentParser
{
    private const int MaxMetadataValueLength = 1024;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowMultipleValues = true,
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 64,
    };

    public JsonParser()
        : this(new JsonFormatOptions())
    {
    }

    public bool CanParse(string mediaType) => mediaType is MediaTypes.Json or MediaTypes.JsonLines;

    public ParsedDocument Parse(string text) => Parse(text, DocumentLimits.Default, CancellationToken.None);

    public ParsedDocument Parse(string text, DocumentLimits limits, CancellationToken cancellationToken)
    {
        var values = ReadValues(text, limits, cancellationToken);

        // One array is a list of records; several values are JSON Lines, a record each.
        var records = values is [{ ValueKind: JsonValueKind.Array } array] ? array.EnumerateArray().ToList() : values;
        if (records.Count > limits.MaxRows)
        {
            throw new DocumentRejectedException(
                $"The JSON holds {records.Count:N0} records; the limit is {limits.MaxRows:N0} (Ingestion:MaxRows).");
        }

        var renderer = new JsonRecordRenderer(options);
        var sections = new List<DocumentSection>(records.Count);
        string? firstTitle = null;
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (title, body) = renderer.Render(record);
            firstTitle ??= title;
            if (body.Length > 0 || title is not null)
            {
                sections.Add(new DocumentSection(title is null ? [] : [title], body.Length > 0 ? body : title!));
            }
        }

        return new ParsedDocument(records.Count == 1 ? firstTitle : null, sections)
        {
            Properties = new DocumentProperties { Metadata = Metadata(records) },
        };
    }

    private static List<JsonElement> ReadValues(string text, DocumentLimits limits, CancellationToken cancellationToken)
    {
        var values = new List<JsonElement>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text.TrimStart('\uFEFF')), ReaderOptions);
        try
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                values.Add(JsonElement.ParseValue(ref reader));
                if (values.Count > limits.MaxRows)
                {
                    throw new DocumentRejectedException(
                        $"The JSON Lines file has more than {limits.MaxRows:N0} records (Ingestion:MaxRows).");
                }
            }
        }
        catch (JsonException e)
        {
            throw new DocumentRejectedException(
                $"The JSON is not valid at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}; " +
                "check for a missing comma, quote or bracket there.");
        }

        return values;
    }

    /// <summary>Each metadata field's distinct values over all records, in order of appearance, joined by ", "
    /// (one record usually has one value).</summary>
    private Dictionary<string, string> Metadata(List<JsonElement> records)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in options.MetadataFields.Where(f => !string.IsNullOrWhiteSpace(f)))
        {
            var values = records
                .SelectMany(r => JsonRecordRenderer.Find(r, field) is { } value ? JsonRecordRenderer.Scalars(value) : [])
                .Where(v => v.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .ToList();
            if (values.Count > 0)
            {
                var joined = string.Join(", ", values);
                metadata[field.Trim()] = joined.Length <= MaxMetadataValueLength ? joined : joined[..MaxMetadataValueLength];
            }
        }

        return metadata;
    }
}
