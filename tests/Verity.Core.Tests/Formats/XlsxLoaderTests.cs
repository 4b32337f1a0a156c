using System.Globalization;
using Verity.Core.Documents;

namespace Verity.Core.Tests.Formats;

public sealed class XlsxLoaderTests
{
    private static ParsedDocument Load(byte[] xlsx, DocumentLimits? limits = null) =>
        new XlsxLoader().Load(xlsx, limits ?? DocumentLimits.Default, CancellationToken.None);

    private static string[] Rows(DocumentSection section) => section.Text.Split("\n\n");

    [Fact]
    public void Load_Sheets_OneSectionPerSheetHeadedByItsName()
    {
        var document = Load(FixtureFiles.StandardXlsx());

        Assert.Equal([["Plans"], ["Regions"]], document.Sections.Select(s => s.HeadingPath));
        Assert.All(document.Sections, s => Assert.Null(s.Page));
    }

    [Fact]
    public void Load_EveryRow_CarriesTheHeaderRowsLabels()
    {
        var rows = Rows(Load(FixtureFiles.StandardXlsx()).Sections[0]);

        Assert.Equal(3, rows.Length);
        Assert.All(rows, row => Assert.StartsWith("Plan: ", row, StringComparison.Ordinal));
        Assert.Equal("Region: EU; Endpoint: eu.vpn.example", Load(FixtureFiles.StandardXlsx()).Sections[1].Text);
    }

    [Fact]
    public void Load_CellKinds_ReadAsExcelShowsThem()
    {
        var rows = Rows(Load(FixtureFiles.StandardXlsx()).Sections[0]);

        Assert.Equal("Plan: Growth; Limit: 3000; Since: 2024-01-15; Active: TRUE; Share: 25%", rows[0]);
        Assert.Equal("Plan: Scale; Limit: 10000.5; Since: 2024-03-01 14:30:00; Active: FALSE", rows[1]);
    }

    [Fact]
    public void Load_MissingCells_KeepTheirColumns()
    {
        var rows = Rows(Load(FixtureFiles.StandardXlsx()).Sections[0]);

        Assert.Equal("Plan: Trial; Share: 0.1", rows[2]);
    }

    [Fact]
    public void Load_CommaDecimalCulture_NumbersStayInvariant()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var rows = Rows(Load(FixtureFiles.StandardXlsx()).Sections[0]);

            Assert.Contains("Limit: 10000.5;", rows[1], StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Load_1904DateSystem_DatesShiftedToTheRightDay()
    {
        // In the 1904 system serial 0 is 1904-01-01, so the same day has a serial 1,462 lower.
        var serial = new DateTime(2024, 1, 15).ToOADate() - 1462;
        var xlsx = FixtureFiles.Xlsx(
            [("Dates", [[FixtureFiles.Inline("Day")], [FixtureFiles.Number(serial, FixtureFiles.DateStyle)]])], [], date1904: true);

        Assert.Equal("Day: 2024-01-15", Load(xlsx).FullText);
    }

    [Fact]
    public void Load_SingleRowSheet_ValuesWithoutLabels()
    {
        var xlsx = FixtureFiles.Xlsx([("Only", [[FixtureFiles.Inline("a"), FixtureFiles.Inline("b")]])], []);

        Assert.Equal("a | b", Load(xlsx).FullText);
    }

    [Fact]
    public async Task Load_MoreRowsThanTheLimit_RejectedNamingTheSheetAndSetting()
    {
        var rows = Enumerable.Range(0, 12).Select(i => new[] { FixtureFiles.Inline($"row {i}") }).ToArray();
        var xlsx = FixtureFiles.Xlsx([("Big", rows)], []);

        var error = await Damage.AssertRejectedAsync(new XlsxLoader(), xlsx, DocumentLimits.Default with { MaxRows = 10 });

        Assert.Contains("'Big'", error.Reason, StringComparison.Ordinal);
        Assert.Contains("MaxRows", error.Reason, StringComparison.Ordinal);
        Assert.Equal(11, Rows(Load(xlsx, DocumentLimits.Default with { MaxRows = 12 }).Sections[0]).Length);
    }

    [Fact]
    public void Load_CoreProperties_GiveTitleAndAuthor()
    {
        var document = Load(FixtureFiles.StandardXlsx());

        Assert.Equal("Plans and regions", document.Title);
        Assert.Equal("Ada Lovelace", document.Properties.Author);
        Assert.Equal(new DateTimeOffset(FixtureFiles.Created), document.Properties.Created);
    }

    [Theory]
    [InlineData("A1", 0)]
    [InlineData("Z9", 25)]
    [InlineData("AA10", 26)]
    [InlineData("xfd1048576", 16383)]
    public void ColumnIndex_References_ZeroBasedColumns(string reference, int expected) =>
        Assert.Equal(expected, XlsxCells.ColumnIndex(reference));

    [Theory]
    [InlineData("yyyy\\-mm\\-dd", "Date")]
    [InlineData("[$-409]d-mmm-yy;@", "Date")]
    [InlineData("h:mm AM/PM", "Time")]
    [InlineData("dd/mm/yyyy hh:mm", "DateTime")]
    [InlineData("0.0%", "Percent")]
    [InlineData("#,##0.00 \"days\"", "Number")]
    [InlineData("[Red]#,##0", "Number")]
    [InlineData("[h]:mm:ss", "Number")]
    [InlineData("General", "Number")]
    public void KindOfCode_FormatCodes_RecognisedByTheirLetters(string code, string expected) =>
        Assert.Equal(expected, XlsxNumberFormats.KindOfCode(code).ToString());

    [Fact]
    public void Load_CancelledToken_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new XlsxLoader().Load(FixtureFiles.StandardXlsx(), DocumentLimits.Default, cancelled.Token));
    }
}
