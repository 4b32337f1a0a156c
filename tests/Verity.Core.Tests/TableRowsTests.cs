using Verity.Core.Documents;

namespace Verity.Core.Tests;

public sealed class TableRowsTests
{
    [Fact]
    public void Render_WithHeader_PrefixesEachCellWithItsHeader()
    {
        var lines = TableRows.Render(["Plan", "Limit"], [["Growth", "3,000"], ["Scale", "10,000"]]);

        Assert.Equal(["Plan: Growth; Limit: 3,000", "Plan: Scale; Limit: 10,000"], lines);
    }

    [Fact]
    public void Render_WithoutHeader_JoinsCellsWithBars() =>
        Assert.Equal(["EU | eu.example", "US | us.example"], TableRows.Render(null, [["EU", "eu.example"], ["US", "us.example"]]));

    [Fact]
    public void Render_EmptyCells_AreSkipped() =>
        Assert.Equal(["Plan: Growth; Note: beta"], TableRows.Render(["Plan", "Limit", "Note"], [["Growth", "", "beta"]]));

    [Fact]
    public void Render_CellsBeyondHeaderOrUnderEmptyHeader_HaveNoPrefix() =>
        Assert.Equal(["Plan: Growth; 3,000; extra"], TableRows.Render(["Plan", ""], [["Growth", "3,000", "extra"]]));

    [Fact]
    public void Render_CellEqualToItsHeader_NotRepeated() =>
        Assert.Equal(["Yes; Plan: Growth"], TableRows.Render(["Yes", "Plan"], [["Yes", "Growth"]]));
}
