using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Verity.Core.Tests.Formats;

internal static partial class FixtureFiles
{
    /// <summary>Cell style indexes of <see cref="Xlsx"/>'s style sheet.</summary>
    public const uint DateStyle = 1, DateTimeStyle = 2, PercentStyle = 3;

    /// <summary>A workbook of the given sheets. Cells are built with <see cref="Shared"/>, <see cref="Inline"/>,
    /// <see cref="Number"/> and <see cref="Bool"/>; a null cell is left out of the row, as Excel leaves out empty
    /// cells.</summary>
    public static byte[] Xlsx(IEnumerable<(string Name, Cell?[][] Rows)> sheets, IReadOnlyList<string> sharedStrings, bool date1904 = false)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new WorkbookProperties { Date1904 = date1904 }, new Sheets());
            workbook.AddNewPart<SharedStringTablePart>().SharedStringTable =
                new SharedStringTable(sharedStrings.Select(s => new SharedStringItem(new DocumentFormat.OpenXml.Spreadsheet.Text(s))));
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = new Stylesheet(
                new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy\\-mm\\-dd hh:mm;@" }),
                new Fonts(new Font()),
                new Fills(new Fill()),
                new Borders(new Border()),
                new CellFormats(
                    new CellFormat { NumberFormatId = 0 },
                    new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true },
                    new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
                    new CellFormat { NumberFormatId = 10, ApplyNumberFormat = true }));

            uint sheetId = 1;
            foreach (var (name, rows) in sheets)
            {
                var worksheet = workbook.AddNewPart<WorksheetPart>();
                worksheet.Worksheet = new Worksheet(new SheetData(rows.Select((cells, r) => new Row(
                    cells.Select((cell, c) => cell is null ? null : Place(cell, $"{(char)('A' + c)}{r + 1}")).OfType<Cell>())
                {
                    RowIndex = (uint)(r + 1),
                })));
                workbook.Workbook.Sheets!.Append(new Sheet { Id = workbook.GetIdOfPart(worksheet), SheetId = sheetId++, Name = name });
            }

            document.PackageProperties.Title = "Plans and regions";
            document.PackageProperties.Creator = "Ada Lovelace";
            document.PackageProperties.Created = Created;
        }

        return stream.ToArray();
    }

    /// <summary>The standard workbook: a "Plans" sheet of every cell kind and a "Regions" sheet.</summary>
    public static byte[] StandardXlsx() => Xlsx(
        [
            ("Plans",
            [
                [Shared(0), Shared(1), Shared(2), Inline("Active"), Inline("Share")],
                [Shared(3), Number("3000"), Number(new DateTime(2024, 1, 15).ToOADate(), DateStyle), Bool(true), Number("0.25", PercentStyle)],
                [Inline("Scale"), Number("10000.5"), Number(new DateTime(2024, 3, 1, 14, 30, 0).ToOADate(), DateTimeStyle), Bool(false), null],
                [Inline("Trial"), null, null, null, Number("0.1")],
            ]),
            ("Regions",
            [
                [Inline("Region"), Inline("Endpoint")],
                [Inline("EU"), Inline("eu.vpn.example")],
            ]),
        ],
        ["Plan", "Limit", "Since", "Growth"]);

    public static Cell Shared(int index) => new() { DataType = CellValues.SharedString, CellValue = new CellValue(index.ToString(System.Globalization.CultureInfo.InvariantCulture)) };

    public static Cell Inline(string text) => new(new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(text))) { DataType = CellValues.InlineString };

    public static Cell Number(string value, uint style = 0) => new() { CellValue = new CellValue(value), StyleIndex = style == 0 ? null : (UInt32Value)style };

    public static Cell Number(double value, uint style = 0) =>
        Number(value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), style);

    public static Cell Bool(bool value) => new() { DataType = CellValues.Boolean, CellValue = new CellValue(value ? "1" : "0") };

    private static Cell Place(Cell cell, string reference)
    {
        var placed = (Cell)cell.CloneNode(true);
        placed.CellReference = reference;
        return placed;
    }
}
