using System.Text;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Verity.Core.Documents;

internal enum NumberKind
{
    Number,
    Percent,
    Date,
    Time,
    DateTime,
}

/// <summary>What each cell style's number format makes of a number: Excel stores a date as a serial day count
/// and only the format says it is a date.</summary>
internal sealed class XlsxNumberFormats
{
    private readonly NumberKind[] _kinds;

    private XlsxNumberFormats(NumberKind[] kinds) => _kinds = kinds;

    public static XlsxNumberFormats From(Stylesheet? stylesheet)
    {
        var custom = stylesheet?.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null)
            .GroupBy(f => f.NumberFormatId!.Value)
            .ToDictionary(g => g.Key, g => g.First().FormatCode?.Value ?? "") ?? [];
        var kinds = stylesheet?.CellFormats?.Elements<CellFormat>()
            .Select(f => f.NumberFormatId?.Value is { } id ? KindOf(id, custom) : NumberKind.Number)
            .ToArray() ?? [];
        return new XlsxNumberFormats(kinds);
    }

    public NumberKind KindOf(uint styleIndex) => styleIndex < _kinds.Length ? _kinds[styleIndex] : NumberKind.Number;

    private static NumberKind KindOf(uint formatId, Dictionary<uint, string> custom)
    {
        if (custom.TryGetValue(formatId, out var code))
        {
            return KindOfCode(code);
        }

        // Built-in formats (ECMA-376 §18.8.30); 27–36 and 50–58 are the East Asian date formats.
        return formatId switch
        {
            9 or 10 => NumberKind.Percent,
            >= 14 and <= 17 => NumberKind.Date,
            >= 18 and <= 21 or >= 45 and <= 47 => NumberKind.Time,
            22 => NumberKind.DateTime,
            >= 27 and <= 36 or >= 50 and <= 58 => NumberKind.Date,
            _ => NumberKind.Number,
        };
    }

    /// <summary>Reads a custom format code: literals ("text", \x), colours and locales ([Red], [$-409]) are
    /// ignored; what is left decides by its date and time letters.</summary>
    internal static NumberKind KindOfCode(string code)
    {
        var tokens = new StringBuilder();
        var elapsed = false;
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (c == ';')
            {
                break; // the first section (positive numbers) decides
            }

            if (c == '"')
            {
                i = code.IndexOf('"', i + 1) is var close and >= 0 ? close : code.Length;
            }
            else if (c is '\\' or '_' or '*')
            {
                i++;
            }
            else if (c == '[')
            {
                var close = code.IndexOf(']', i + 1);
                var inside = close > i ? code[(i + 1)..close] : "";
                elapsed |= inside.Length > 0 && inside.All(ch => ch is 'h' or 'H' or 'm' or 'M' or 's' or 'S');
                i = close >= 0 ? close : code.Length;
            }
            else
            {
                tokens.Append(char.ToLowerInvariant(c));
            }
        }

        var text = tokens.ToString();
        var date = text.Contains('y', StringComparison.Ordinal) || text.Contains('d', StringComparison.Ordinal);
        var time = elapsed || text.Contains('h', StringComparison.Ordinal) || text.Contains('s', StringComparison.Ordinal);
        if (!date && !time && text.Contains('m', StringComparison.Ordinal))
        {
            date = true; // "mmm" alone is a month
        }

        return (date, time) switch
        {
            (true, true) => NumberKind.DateTime,
            (true, false) => NumberKind.Date,
            (false, true) when !elapsed => NumberKind.Time,
            _ => text.Contains('%', StringComparison.Ordinal) ? NumberKind.Percent : NumberKind.Number,
        };
    }
}
