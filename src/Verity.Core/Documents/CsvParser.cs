namespace Verity.Core.Documents;

/// <summary>CSV (RFC 4180: quoted fields with embedded delimiters, line breaks and doubled quotes), with the
/// delimiter sniffed from comma, semicolon and tab. The first row is the header, repeated into every row
/// ("Region: EU; Revenue: 1200"), so any run of rows a chunk holds still says what its values mean.</summary>
public sealed class CsvParser : IBoundedDocumentParser
{
    private static readonly char[] Delimiters = [',', ';', '\t'];

    private readonly int _maxRows;

    public CsvParser()
        : this(DocumentLimits.Default.MaxRows)
    {
    }

    /// <param name="maxRows">Rows allowed when parsed without limits (<see cref="Parse(string)"/>).</param>
    public CsvParser(int maxRows) => _maxRows = maxRows;

    public bool CanParse(string mediaType) => mediaType == MediaTypes.Csv;

    public ParsedDocument Parse(string text) =>
        Parse(text, DocumentLimits.Default with { MaxRows = _maxRows }, CancellationToken.None);

    public ParsedDocument Parse(string text, DocumentLimits limits, CancellationToken cancellationToken)
    {
        var reader = new CsvReader(text, SniffDelimiter(text));
        IReadOnlyList<string>? header = null;
        var lines = new List<string>();
        var rows = 0;
        foreach (var record in reader.Records(cancellationToken))
        {
            if (record.TrueForAll(field => field.Length == 0))
            {
                continue;
            }

            if (++rows > limits.MaxRows)
            {
                throw new DocumentRejectedException(
                    $"The CSV file has more than {limits.MaxRows:N0} rows (Ingestion:MaxRows); split it or raise the limit.");
            }

            if (header is null)
            {
                header = record;
                continue;
            }

            lines.AddRange(TableRows.Render(header, [record]));
        }

        if (header is not null && lines.Count == 0)
        {
            lines.AddRange(TableRows.Render(null, [header]));
        }

        return new ParsedDocument(null, lines.Count == 0 ? [] : [new DocumentSection([], string.Join("\n\n", lines))]);
    }

    /// <summary>The delimiter that splits the first records most consistently into the most fields; comma when
    /// nothing splits (a one-column file).</summary>
    internal static char SniffDelimiter(string text)
    {
        var best = ',';
        (int Consistent, int Fields) bestScore = (0, 0);
        foreach (var delimiter in Delimiters)
        {
            var counts = CountPerRecord(text, delimiter, maxRecords: 20, maxChars: 64 * 1024);
            if (counts.Count == 0 || counts[0] == 0)
            {
                continue;
            }

            var score = (counts.Count(c => c == counts[0]), counts[0]);
            if (score.CompareTo(bestScore) > 0)
            {
                (best, bestScore) = (delimiter, score);
            }
        }

        return best;
    }

    private static List<int> CountPerRecord(string text, char delimiter, int maxRecords, int maxChars)
    {
        var counts = new List<int>();
        bool inQuotes = false, content = false;
        var count = 0;
        var end = Math.Min(text.Length, maxChars);
        for (var i = 0; i < end && counts.Count < maxRecords; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                inQuotes = !inQuotes; // a doubled quote toggles twice
            }
            else if (!inQuotes && c is '\n' or '\r')
            {
                if (content)
                {
                    counts.Add(count);
                }

                (count, content) = (0, false);
                continue;
            }
            else if (!inQuotes && c == delimiter)
            {
                count++;
            }

            content |= !char.IsWhiteSpace(c);
        }

        if (content && end == text.Length && counts.Count < maxRecords)
        {
            counts.Add(count);
        }

        return counts;
    }
}
