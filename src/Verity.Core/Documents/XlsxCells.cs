using System.Globalization;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Verity.Core.Documents;

/// <summary>Turns the cells of one worksheet row into display strings, placed by their column letters so a skipped
/// cell stays an empty column instead of shifting its neighbours under the wrong header.</summary>
internal sealed class XlsxCells(IReadOnlyList<string> sharedStrings, XlsxNumberFormats formats, bool date1904)
{
    // Excel's last column, XFD.
    private const int MaxColumns = 16_384;

    // Serial day 0 of the 1904 system is 1,462 days after that of the 1900 system.
    private const double Date1904Offset = 1462;

    /// <summary>The row's values, trailing empty cells removed; empty when the row has no visible value.</summary>
    public List<string> RowValues(Row row)
    {
        var values = new List<string>();
        var next = 0;
        foreach (var cell in row.Elements<Cell>())
        {
            var column = ColumnIndex(cell.CellReference?.Value) ?? next;
            next = column + 1;
            if (column >= MaxColumns)
            {
                continue;
            }

            var value = Display(cell).Trim();
            if (value.Length == 0)
            {
                continue;
            }

            while (values.Count <= column)
            {
                values.Add("");
            }

            values[column] = value;
        }

        return values;
    }

    private string Display(Cell cell)
    {
        var raw = cell.CellValue?.Text ?? "";
        var type = cell.DataType?.Value;
        if (type is null || type == CellValues.Number)
        {
            return FormatNumber(raw, cell.StyleIndex?.Value ?? 0);
        }

        if (type == CellValues.SharedString)
        {
            return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index >= 0 && index < sharedStrings.Count ? sharedStrings[index] : "";
        }

        if (type == CellValues.InlineString)
        {
            var inline = cell.InlineString;
            return inline?.Text?.Text ?? string.Concat(inline?.Elements<Run>().Select(r => r.Text?.Text) ?? []);
        }

        if (type == CellValues.Boolean)
        {
            return raw.Trim() switch { "1" => "TRUE", "0" => "FALSE", _ => raw };
        }

        // Formula strings, errors (#N/A) and ISO dates (t="d") are stored as they are shown.
        return raw;
    }

    private string FormatNumber(string raw, uint styleIndex)
    {
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return raw;
        }

        var kind = formats.KindOf(styleIndex);
        if (kind is NumberKind.Date or NumberKind.Time or NumberKind.DateTime)
        {
            var serial = number + (date1904 ? Date1904Offset : 0);

            // OLE automation dates span the years 100 to 9999; anything else is shown as the number it is.
            if (serial is > -657435.0 and < 2958466.0)
            {
                var date = DateTime.FromOADate(serial);
                return kind switch
                {
                    NumberKind.Time => date.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                    _ when date.TimeOfDay == TimeSpan.Zero => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    _ => date.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                };
            }
        }

        // Fifteen significant digits is what Excel shows: 0.1 + 0.2 is stored as 0.30000000000000004 but reads 0.3.
        return kind == NumberKind.Percent
            ? (number * 100).ToString("G15", CultureInfo.InvariantCulture) + "%"
            : number.ToString("G15", CultureInfo.InvariantCulture);
    }

    /// <summary>The zero-based column of a reference such as "AB12", or null when there is none.</summary>
    internal static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var column = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            var upper = char.ToUpperInvariant(c);
            if (upper is < 'A' or > 'Z')
            {
                break;
            }

            if (++letters > 3)
            {
                return MaxColumns;
            }

            column = (column * 26) + (upper - 'A' + 1);
        }

        return letters == 0 ? null : column - 1;
    }
}
