using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Verity.Core.Documents;

/// <summary>Excel workbooks: one section per worksheet, headed by the sheet name, one line per row with the first
/// row's labels repeated into every cell ("Region: EU; Revenue: 1200"), so any run of rows a chunk holds still says
/// what its numbers are. Cells read as shown in Excel where that is cheap to know: shared and inline strings,
/// numbers in the invariant culture, booleans, and dates as ISO 8601. Rows are streamed, never held as a tree.</summary>
public sealed class XlsxLoader : IDocumentLoader
{
    private const string Format = "XLSX";

    public IReadOnlyCollection<string> MediaTypes { get; } = [Documents.MediaTypes.Xlsx];

    public ParsedDocument Load(ReadOnlyMemory<byte> content, DocumentLimits limits, CancellationToken cancellationToken) =>
        OfficePackages.Load(content, limits, Format, (stream, settings) => Read(stream, settings, limits, cancellationToken), cancellationToken);

    private static ParsedDocument Read(Stream stream, OpenSettings settings, DocumentLimits limits, CancellationToken cancellationToken)
    {
        using var document = SpreadsheetDocument.Open(stream, false, settings);
        var workbook = document.WorkbookPart
            ?? throw new DocumentRejectedException("The XLSX file has no workbook part; it is not an Excel workbook.");
        var cells = new XlsxCells(
            ReadSharedStrings(workbook.SharedStringTablePart, cancellationToken),
            XlsxNumberFormats.From(workbook.WorkbookStylesPart?.Stylesheet),
            workbook.Workbook?.WorkbookProperties?.Date1904?.Value ?? false);

        var sections = new List<DocumentSection>();
        foreach (var sheet in workbook.Workbook?.Sheets?.Elements<Sheet>() ?? [])
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (sheet.Id?.Value is not { } id || !workbook.TryGetPartById(id, out var part) || part is not WorksheetPart worksheet)
            {
                continue; // chart sheets and dangling references hold no cells
            }

            var name = OfficePackages.Clean(sheet.Name?.Value) ?? $"Sheet {sections.Count + 1}";
            var lines = ReadRows(worksheet, cells, name, limits, cancellationToken);
            if (lines.Count > 0)
            {
                sections.Add(new DocumentSection([name], string.Join("\n\n", lines)));
            }
        }

        return new ParsedDocument(OfficePackages.Title(document), sections) { Properties = OfficePackages.Properties(document) };
    }

    private static List<string> ReadRows(
        WorksheetPart worksheet, XlsxCells cells, string sheetName, DocumentLimits limits, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        IReadOnlyList<string>? header = null;
        var rows = 0;
        foreach (var row in ReadEach<Row>(worksheet, cancellationToken))
        {
            var values = cells.RowValues(row);
            if (values.Count == 0)
            {
                continue;
            }

            if (++rows > limits.MaxRows)
            {
                throw new DocumentRejectedException(
                    $"The sheet '{sheetName}' has more than {limits.MaxRows:N0} rows (Ingestion:MaxRows); split the workbook or raise the limit.");
            }

            if (header is null)
            {
                header = values;
                continue;
            }

            lines.AddRange(TableRows.Render(header, [values]));
        }

        // A sheet of one row is a list of values, not a header.
        if (header is not null && lines.Count == 0)
        {
            lines.AddRange(TableRows.Render(null, [header]));
        }

        return lines;
    }

    private static List<string> ReadSharedStrings(SharedStringTablePart? part, CancellationToken cancellationToken)
    {
        var strings = new List<string>();
        if (part is null)
        {
            return strings;
        }

        foreach (var item in ReadEach<SharedStringItem>(part, cancellationToken))
        {
            // Runs hold rich text; phonetic guides (rPh) are left out, as Excel shows them only on request.
            strings.Add(item.Text?.Text ?? string.Concat(item.Elements<Run>().Select(r => r.Text?.Text)));
        }

        return strings;
    }

    /// <summary>The elements of one type in a part, each loaded alone, in document order.</summary>
    private static IEnumerable<T> ReadEach<T>(OpenXmlPart part, CancellationToken cancellationToken)
        where T : OpenXmlElement
    {
        using var reader = OpenXmlReader.Create(part);
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.IsStartElement && reader.ElementType == typeof(T))
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Loading moves the reader past the element, so the loop must not read again.
                yield return (T)reader.LoadCurrentElement()!;
                continue;
            }

            reader.Read();
        }
    }
}
