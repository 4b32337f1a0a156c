using Verity.Core.Documents;

namespace Verity.Core.Tests.Formats;

public sealed class CsvParserTests
{
    private static string[] Rows(string csv, CsvParser? parser = null) =>
        (parser ?? new CsvParser()).Parse(csv).FullText.Split("\n\n");

    [Fact]
    public void Parse_HeaderRow_RepeatedIntoEveryRow()
    {
        var document = new CsvParser().Parse("Plan,Limit\nGrowth,\"3,000\"\nScale,\"10,000\"\n");

        var section = Assert.Single(document.Sections);
        Assert.Empty(section.HeadingPath);
        Assert.Equal("Plan: Growth; Limit: 3,000\n\nPlan: Scale; Limit: 10,000", section.Text);
    }

    [Fact]
    public void Parse_QuotedFields_KeepDelimitersLineBreaksAndDoubledQuotes()
    {
        var rows = Rows("Name,Note\r\n\"Smith, Jane\",\"Said \"\"hello\"\"\r\nthen left\"\r\n");

        Assert.Equal(["Name: Smith, Jane; Note: Said \"hello\"\r\nthen left"], rows);
    }

    [Theory]
    [InlineData("Region;Revenue;Margin\nEU;1.200,50;12%\nUS;3.400,00;9%\n")]
    [InlineData("Region\tRevenue\tMargin\nEU\t1.200,50\t12%\nUS\t3.400,00\t9%\n")]
    public void Parse_SemicolonOrTabDelimited_Sniffed(string csv)
    {
        var rows = Rows(csv);

        Assert.Equal(["Region: EU; Revenue: 1.200,50; Margin: 12%", "Region: US; Revenue: 3.400,00; Margin: 9%"], rows);
    }

    [Fact]
    public void Parse_CommasInsideQuotesOfASemicolonFile_DoNotWinTheSniff()
    {
        var rows = Rows("Name;City\n\"Doe, John\";Paris\n\"Roe, Jane\";Lyon\n");

        Assert.Equal(["Name: Doe, John; City: Paris", "Name: Roe, Jane; City: Lyon"], rows);
    }

    [Fact]
    public void Parse_BlankLinesAndEmptyCells_Skipped()
    {
        var rows = Rows("A,B,C\n\n1,,3\n\n");

        Assert.Equal(["A: 1; C: 3"], rows);
    }

    [Fact]
    public void Parse_OnlyAHeaderRow_ValuesWithoutLabels() => Assert.Equal(["a | b"], Rows("a,b"));

    [Fact]
    public void Parse_Empty_NoSections() => Assert.Empty(new CsvParser().Parse("").Sections);

    [Fact]
    public void Parse_UnclosedQuote_RejectedWithItsLine()
    {
        var error = Assert.Throws<DocumentRejectedException>(() => new CsvParser().Parse("A,B\n1,2\n3,\"open\n4,5\n"));

        Assert.Contains("line 3", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreRowsThanTheLimit_RejectedNamingTheSetting()
    {
        var csv = string.Join('\n', Enumerable.Range(0, 6).Select(i => $"row {i},x"));

        var error = Assert.Throws<DocumentRejectedException>(() => new CsvParser(maxRows: 5).Parse(csv));
        Assert.Contains("MaxRows", error.Reason, StringComparison.Ordinal);

        var bounded = new CsvParser().Parse(csv, DocumentLimits.Default with { MaxRows = 6 }, CancellationToken.None);
        Assert.Equal(5, bounded.FullText.Split("\n\n").Length);
    }

    [Fact]
    public void Parse_CancelledToken_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new CsvParser().Parse("a,b\n1,2", DocumentLimits.Default, cancelled.Token));
    }

    [Theory]
    [InlineData("a,b\n1,2", ',')]
    [InlineData("a;b\n1;2", ';')]
    [InlineData("a\tb\n1\t2", '\t')]
    [InlineData("single column\nvalue", ',')]
    [InlineData("a;b;c\n1,5;2;3", ';')]
    public void SniffDelimiter_Samples_ChoosesTheConsistentSplitter(string csv, char expected) =>
        Assert.Equal(expected, CsvParser.SniffDelimiter(csv));
}
