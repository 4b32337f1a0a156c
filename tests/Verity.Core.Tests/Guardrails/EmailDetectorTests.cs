using Verity.Core.Guardrails;

namespace Verity.Core.Tests.Guardrails;

public sealed class EmailDetectorTests
{
    private static readonly EmailDetector Detector = new();

    [Theory]
    [InlineData("Write to jane.doe@example.com today.", "jane.doe@example.com")]
    [InlineData("first+tag@sub.example.co.uk", "first+tag@sub.example.co.uk")]
    [InlineData("user_name@my-domain.org.", "user_name@my-domain.org")]
    [InlineData("Contact <support@tidepool.brightwater.io>.", "support@tidepool.brightwater.io")]
    [InlineData("mailto:ops@example.com?subject=Hi", "ops@example.com")]
    [InlineData("(a.b-c@example.travel)", "a.b-c@example.travel")]
    [InlineData("José.Núñez@correo.example.es", "José.Núñez@correo.example.es")]
    [InlineData("ALL.CAPS@EXAMPLE.COM", "ALL.CAPS@EXAMPLE.COM")]
    public void Find_Address_MatchesExactlyTheAddress(string text, string expected)
    {
        var match = Assert.Single(Detector.Find(text));

        Assert.Equal(expected, text.Substring(match.Index, match.Length));
    }

    [Theory]
    [InlineData("Follow @verity on social media.")]
    [InlineData("root@localhost")]
    [InlineData("name at example dot com")]
    [InlineData("a@b")]
    [InlineData("user@.example.com")]
    [InlineData("user@example.c")]
    [InlineData("Price: 5 @ 3.50 each")]
    [InlineData("@@@")]
    public void Find_NotAnAddress_NoMatch(string text)
    {
        Assert.Empty(Detector.Find(text));
    }

    [Fact]
    public void Find_TwoAddressesInAList_MatchedSeparately()
    {
        const string Text = "CONTACT gaog@mail.example.cn or gsds@mail.example.cn";

        var matches = Detector.Find(Text);

        Assert.Equal(["gaog@mail.example.cn", "gsds@mail.example.cn"], matches.Select(m => Text.Substring(m.Index, m.Length)));
    }
}
