using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Verity.Benchmarks.Ingest;

/// <summary>Writes a workbook as XLSX the way Excel stores one: repeated labels in the shared-string table, free
/// text as inline strings, numbers as numbers, dates as serial numbers with a date format, and a second sheet of
/// totals per region.</summary>
internal static class SheetWriter
{
    private const uint DateStyle = 1;

    public static byte[] Write(Random random, int rows)
    {
        var regions = DataRecord.Regions(random);
        var records = Enumerable.Range(0, rows).Select(_ => DataRecord.Create(random, regions)).ToList();
        var shared = new Dictionary<string, int>(StringComparer.Ordinal);

        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = new Stylesheet(
                new Fonts(new Font()),
                new Fills(new Fill()),
                new Borders(new Border()),
                new CellFormats(new CellFormat { NumberFormatId = 0 }, new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }));

            var header = DataRecord.Columns.Select(c => Shared(shared, c)).ToArray();
            var data = records.Select(r => new[]
            {
                Inline(r.Id),
                Number(r.Date.ToDateTime(TimeOnly.MinValue).ToOADate(), DateStyle),
                Shared(shared, r.Region),
                Shared(shared, r.Owner),
                Shared(shared, r.Category),
                Shared(shared, r.Status),
                Number(r.Quantity),
                Number(r.Amount),
                Inline(r.Note),
            });
            AddSheet(workbook, "Orders", [header, .. data]);

            var totals = records.GroupBy(r => r.Region).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new[]
            {
                Shared(shared, g.Key), Number(g.Count()), Number(g.Sum(r => r.Quantity)), Number(Math.Round(g.Sum(r => r.Amount), 2)),
            });
            AddSheet(workbook, "Totals", [[Inline("Region"), Inline("Orders"), Inline("Quantity"), Inline("Amount")], .. totals]);

            workbook.AddNewPart<SharedStringTablePart>().SharedStringTable = new SharedStringTable(
                shared.OrderBy(s => s.Value).Select(s => new SharedStringItem(new Text(s.Key))));
            document.PackageProperties.Title = $"{ProseGenerator.Title(ProseGenerator.Pick(random, EnglishWords.Nouns))} log";
            document.PackageProperties.Creator = ProseGenerator.PersonName(random);
        }

        return stream.ToArray();
    }

    private static void AddSheet(WorkbookPart workbook, string name, IEnumerable<Cell[]> rows)
    {
        var worksheet = workbook.AddNewPart<WorksheetPart>();
        worksheet.Worksheet = new Worksheet(new SheetData(rows.Select((cells, r) => new Row(cells.Select((cell, c) =>
        {
            cell.CellReference = $"{(char)('A' + c)}{r + 1}";
            return cell;
        }))
        {
            RowIndex = (uint)(r + 1),
        })));
        var sheets = workbook.Workbook.Sheets!;
        sheets.Append(new Sheet { Id = workbook.GetIdOfPart(worksheet), SheetId = (uint)(sheets.ChildElements.Count + 1), Name = name });
    }

    private static Cell Shared(Dictionary<string, int> table, string text)
    {
        if (!table.TryGetValue(text, out var index))
        {
            index = table.Count;
            table[text] = index;
        }

        return new Cell { DataType = CellValues.SharedString, CellValue = new CellValue(index.ToString(CultureInfo.InvariantCulture)) };
    }

    private static Cell Inline(string text) => new(new InlineString(new Text(text))) { DataType = CellValues.InlineString };

    private static Cell Number(double value, uint style = 0) => new()
    {
        CellValue = new CellValue(value.ToString("R", CultureInfo.InvariantCulture)),
        StyleIndex = style == 0 ? null : (UInt32Value)style,
    };
}
