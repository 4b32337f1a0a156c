using Verity.Core.Guardrails;

namespace Verity.Core.Tests.Guardrails;

public sealed class PhoneNumberDetectorTests
{
    private static readonly PhoneNumberDetector Detector = new();

    [Theory]
    [InlineData("+44 20 7946 0958")]
    [InlineData("+1 (555) 123-4567")]
    [InlineData("+1-202-555-0173")]
    [InlineData("+4915112345678")]
    [InlineData("+33 6 12 34 56 78")]
    [InlineData("+44 (0)20 7946 0958")]
    [InlineData("+351 21 000 4470")]
    [InlineData("+31-20-914-738")]
    [InlineData("0049 30 1234567")]
    [InlineData("(555) 123-4567")]
    [InlineData("555-123-4567")]
    [InlineData("555.123.4567")]
    [InlineData("555 123 4567")]
    [InlineData("1-800-555-0199")]
    [InlineData("020 7946 0958")]
    [InlineData("0151 1234 5678")]
    [InlineData("06 12 34 56 78")]
    [InlineData("(030) 1234567")]
    [InlineData("0171/1234567")]
    [InlineData("07700 900123")]
    public void Find_FormattedPhoneNumber_MatchedExactly(string phone)
    {
        var text = $"Call {phone} for help.";

        var match = Assert.Single(Detector.Find(text));

        Assert.Equal(phone, text.Substring(match.Index, match.Length));
    }

    [Theory]
    [InlineData("Founded in 1999, relaunched in 2024.")]
    [InlineData("Released on 2024-01-15.")]
    [InlineData("Released on 15.01.2024.")]
    [InlineData("Due 01/02/2024 at the latest.")]
    [InlineData("Requires .NET 4.8.1 or 10.0.15.")]
    [InlineData("Server at 192.168.100.200 answers.")]
    [InlineData("Order 123456789012 has shipped.")]
    [InlineData("Tracking 00123456789 arrived.")]
    [InlineData("Unformatted 07700900123 is ambiguous.")]
    [InlineData("ISBN 978-0-306-40615-7 and 0-306-40615-2.")]
    [InlineData("Revenue was 1,234,567,890 last year.")]
    [InlineData("It is +15 degrees outside.")]
    [InlineData("ZIP 12345-6789.")]
    [InlineData("Short number 555-1234.")]
    [InlineData("Scores: 12 15 18 21 25 30.")]
    [InlineData("2025-06-13T14:25:03.037-0500 INFO started")]
    [InlineData("\"Time\": \"2026-01-28T09:59:04.82612558+01:00\"")]
    [InlineData("Span 17387612312604368700 ended.")]
    [InlineData("Version 03.14159265 of pi.")]
    public void Find_NumberThatIsNotAPhoneNumber_NoMatch(string text)
    {
        Assert.Empty(Detector.Find(text));
    }

    [Fact]
    public void Find_TwoNumbersInSentence_BothMatched()
    {
        const string Text = "Tel.: +31-20-5665-633; fax: +31-20-914-738; e-mail below.";

        var matches = Detector.Find(Text);

        Assert.Equal(["+31-20-5665-633", "+31-20-914-738"], matches.Select(m => Text.Substring(m.Index, m.Length)));
    }

    [Fact]
    public void Find_TailOfAnAccountNumber_NotMatched()
    {
        // "0532 0130 00" continues the digit groups before it; it is not a phone number of its own.
        Assert.Empty(Detector.Find("DE89 3704 0044 0532 0130 01"));
    }
}
