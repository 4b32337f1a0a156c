namespace Verity.Core.Documents;

/// <summary>How JSON and JSON Lines records become text, bound from <c>Verity:Json</c>. Field names match
/// case-insensitively, and a dotted name ("fields.body") reaches into nested objects.</summary>
public sealed class JsonFormatOptions
{
    /// <summary>The text fields used while <see cref="TextFields"/> is empty.</summary>
    public static readonly IReadOnlyList<string> DefaultTextFields = ["text", "content", "body"];

    /// <summary>Fields whose values are a record's text, all that are present in this order; empty means
    /// <see cref="DefaultTextFields"/>. (Kept empty by default because configuration binding appends to a list
    /// rather than replacing it.) A record with none of them is rendered as "path: value" lines.</summary>
    public IList<string> TextFields { get; } = [];

    /// <summary>The field that titles a record (its section heading); null or empty for none.</summary>
    public string? TitleField { get; set; } = "title";

    /// <summary>Fields copied into the document's metadata, under the same name, as filters for retrieval.</summary>
    public IList<string> MetadataFields { get; } = [];

    internal IReadOnlyList<string> EffectiveTextFields => TextFields.Count > 0 ? [.. TextFields] : DefaultTextFields;
}
