using Verity.Core.Retrieval;

namespace Verity.Core.Tests;

public sealed class QueryPolicyTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    public void Validate_EmptyOrWhitespace_ThrowsNamingTheQueryField(string? query)
    {
        var exception = Assert.Throws<InvalidRequestException>(() => QueryPolicy.Validate(query, 2000));

        Assert.Equal("query", exception.Field);
        Assert.Contains("empty", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OverMaxLength_ThrowsMentioningTheLimit()
    {
        var exception = Assert.Throws<InvalidRequestException>(() => QueryPolicy.Validate(new string('a', 2001), 2000));

        Assert.Contains("2000", exception.Message, StringComparison.Ordinal);
        Assert.Contains("2001", exception.Message, StringComparison.Ordinal);
        Assert.Equal("query", exception.Field);
    }

    [Fact]
    public void Validate_ExactlyMaxLength_Accepted() =>
        Assert.Equal(new string('a', 50), QueryPolicy.Validate(new string('a', 50), 50));

    [Theory]
    [InlineData("?")]
    [InlineData("?!...")]
    [InlineData("*** --- ***")]
    [InlineData("\u200B\u200B")]
    public void Validate_NoWordCharacters_Throws(string query)
    {
        var exception = Assert.Throws<InvalidRequestException>(() => QueryPolicy.Validate(query, 2000));

        Assert.Equal("query", exception.Field);
    }

    [Theory]
    [InlineData("How do I rotate keys?", "How do I rotate keys?")]
    [InlineData("  How do I\t\trotate   keys?  ", "How do I rotate keys?")]
    [InlineData("Cafe\u0301\r\nmenu", "Caf\u00E9\nmenu")]
    [InlineData("vpn", "vpn")]
    [InlineData("42", "42")]
    public void Validate_NormalQuery_ReturnsItNormalised(string query, string expected) =>
        Assert.Equal(expected, QueryPolicy.Validate(query, 2000));
}
