using System.Text;
using System.Text.RegularExpressions;
using Verity.Core.Guardrails;

namespace Verity.Core.Tests.Guardrails;

public sealed partial class PiiRedactorTests
{
    private static readonly PiiRedactor Redactor = PiiRedactor.Default;

    public static TheoryData<string, string, string> SensitiveValues => new()
    {
        { "jane.doe@example.com", "[EMAIL]", PiiKinds.Email },
        { "+44 20 7946 0958", "[PHONE]", PiiKinds.Phone },
        { "(555) 123-4567", "[PHONE]", PiiKinds.Phone },
        { "4111 1111 1111 1111", "[CARD]", PiiKinds.PaymentCard },
        { "3782 822463 10005", "[CARD]", PiiKinds.PaymentCard },
        { "GB82 WEST 1234 5698 7654 32", "[IBAN]", PiiKinds.Iban },
        { "DE89370400440532013000", "[IBAN]", PiiKinds.Iban },
        { "536-22-1234", "[SSN]", PiiKinds.UsSsn },
        { "AB 12 34 56 C", "[NI]", PiiKinds.UkNationalInsurance },
    };

    [Theory]
    [MemberData(nameof(SensitiveValues))]
    public void Redact_SensitiveValue_ReplacedByTokenAndCounted(string value, string token, string kind)
    {
        var redaction = Redactor.Redact($"Customer record: {value}. Keep it safe.");

        Assert.Equal($"Customer record: {token}. Keep it safe.", redaction.Text);
        Assert.Equal(1, redaction.Counts[kind]);
        Assert.Equal(1, redaction.Total);
        Assert.DoesNotContain(value, redaction.Text, StringComparison.Ordinal);
        Assert.Empty(redaction.TimedOut);
    }

    [Fact]
    public void Redact_DocumentWithEveryKind_NoOriginalValueOrDigitRunSurvives()
    {
        string[] values =
        [
            "jane.doe@example.com", "j.smith+hr@corp.example.co.uk", "+1-202-555-0173", "020 7946 0958",
            "4111-1111-1111-1111", "5555 5555 5555 4444", "FR14 2004 1010 0505 0001 3M02 606", "NL91 ABNA 0417 1643 00",
            "123-45-6789", "JG103759A",
        ];
        var text = new StringBuilder("Employee file\n");
        for (var i = 0; i < values.Length; i++)
        {
            text.Append("Field ").Append((char)('A' + i)).Append(": ").Append(values[i]).Append(i % 2 == 0 ? ".\n" : "; see HR.\n");
        }

        var redaction = Redactor.Redact(text.ToString());

        Assert.All(values, v => Assert.DoesNotContain(v, redaction.Text, StringComparison.Ordinal));
        // No run of four or more digits from the values is left behind (a partial redaction would leave some).
        Assert.DoesNotMatch(new Regex("[0-9]{4}"), redaction.Text);
        Assert.Equal(values.Length, redaction.Total);
        Assert.Equal(2, redaction.Counts[PiiKinds.Email]);
        Assert.Equal(2, redaction.Counts[PiiKinds.Phone]);
        Assert.Equal(2, redaction.Counts[PiiKinds.PaymentCard]);
        Assert.Equal(2, redaction.Counts[PiiKinds.Iban]);
        Assert.Equal(1, redaction.Counts[PiiKinds.UsSsn]);
        Assert.Equal(1, redaction.Counts[PiiKinds.UkNationalInsurance]);
    }

    [Fact]
    public void Redact_TextWithoutPii_UnchangedAndNoCounts()
    {
        const string Text = "Version 4.8.1 shipped on 2024-01-15; order 123456789012 and card 4111 1111 1111 1112 were rejected.";

        var redaction = Redactor.Redact(Text);

        Assert.Equal(Text, redaction.Text);
        Assert.Empty(redaction.Counts);
        Assert.Equal(0, redaction.Total);
    }

    [Fact]
    public void Redact_InvalidIbanWithOneDigitChanged_LeftAsIs()
    {
        const string Text = "Pay to DE89 3704 0044 0532 0130 01 please.";

        Assert.Equal(Text, Redactor.Redact(Text).Text);
    }

    [Fact]
    public void Redact_EmailContainingDigits_RedactedOnceAsEmail()
    {
        var redaction = Redactor.Redact("Reach 5551234567@sms.example.com now.");

        Assert.Equal("Reach [EMAIL] now.", redaction.Text);
        Assert.Equal([PiiKinds.Email], redaction.Counts.Keys);
    }

    [Fact]
    public void Redact_RepeatedValue_EveryOccurrenceRedactedAndCounted()
    {
        var redaction = Redactor.Redact("a@example.com, a@example.com and a@example.com");

        Assert.Equal("[EMAIL], [EMAIL] and [EMAIL]", redaction.Text);
        Assert.Equal(3, redaction.Counts[PiiKinds.Email]);
    }

    [Fact]
    public void FromOptions_KindDisabled_ThatKindKept()
    {
        var options = new GuardrailOptions();
        options.Pii.Phone = false;
        options.Pii.Email = false;

        var redaction = PiiRedactor.FromOptions(options).Redact("Mail jane@example.com or call +44 20 7946 0958; card 4111 1111 1111 1111.");

        Assert.Equal("Mail jane@example.com or call +44 20 7946 0958; card [CARD].", redaction.Text);
        Assert.DoesNotContain(redaction.Counts.Keys, k => k is PiiKinds.Email or PiiKinds.Phone);
    }

    [Fact]
    public void Redact_CustomDetector_UsedBesideBuiltIns()
    {
        var redactor = new PiiRedactor([new EmailDetector(), new EmployeeIdDetector()]);

        var redaction = redactor.Redact("EMP-004211 (ann@example.com)");

        Assert.Equal("[EMPLOYEE] ([EMAIL])", redaction.Text);
        Assert.Equal(1, redaction.Counts["employee_id"]);
    }

    [Fact]
    public void Redact_DetectorTimesOut_KindReportedAndOthersStillRedacted()
    {
        var redactor = new PiiRedactor([new TimingOutDetector(), new EmailDetector()]);

        var redaction = redactor.Redact("ann@example.com");

        Assert.Equal("[EMAIL]", redaction.Text);
        Assert.Equal(["slow"], redaction.TimedOut);
    }

    [Fact]
    public void Redact_OverlappingMatches_FirstDetectorWins()
    {
        var redactor = new PiiRedactor([new EmployeeIdDetector(), new EverythingDetector()]);

        var redaction = redactor.Redact("EMP-004211");

        Assert.Equal("[EMPLOYEE]", redaction.Text);
        Assert.False(redaction.Counts.ContainsKey("everything"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Redact_NullOrEmpty_EmptyResult(string? text)
    {
        var redaction = Redactor.Redact(text);

        Assert.Equal("", redaction.Text);
        Assert.Equal(0, redaction.Total);
    }

    public static TheoryData<string> AdversarialInputs()
    {
        const int Size = 100_000;
        string Repeat(string unit) => new StringBuilder(Size + unit.Length).Insert(0, unit, (Size / unit.Length) + 1).ToString(0, Size);
        return
        [
            new string('1', Size),
            Repeat("1 "),
            Repeat("1-"),
            Repeat("+1 "),
            Repeat("(0"),
            Repeat("a."),
            Repeat("a@"),
            "a@" + Repeat("a."),
            Repeat("aaaa@aaaa.aa"),
            Repeat("AB12"),
            Repeat("GB82 "),
            Repeat("123-45-"),
            Repeat("AB 12 "),
            Repeat("4111 "),
        ];
    }

    [Theory]
    [MemberData(nameof(AdversarialInputs))]
    public void Redact_100kBAdversarialInput_Completes(string text)
    {
        var redaction = Redactor.Redact(text);

        Assert.Empty(redaction.TimedOut);
    }

    private sealed partial class EmployeeIdDetector : IPiiDetector
    {
        public string Kind => "employee_id";

        public string Replacement => "[EMPLOYEE]";

        public IReadOnlyList<PiiMatch> Find(string text) => [.. Pattern().Matches(text).Select(m => new PiiMatch(m.Index, m.Length))];

        [GeneratedRegex(@"\bEMP-[0-9]{6}\b")]
        private static partial Regex Pattern();
    }

    private sealed class EverythingDetector : IPiiDetector
    {
        public string Kind => "everything";

        public string Replacement => "[X]";

        public IReadOnlyList<PiiMatch> Find(string text) => [new PiiMatch(0, text.Length)];
    }

    private sealed class TimingOutDetector : IPiiDetector
    {
        public string Kind => "slow";

        public string Replacement => "[SLOW]";

        public IReadOnlyList<PiiMatch> Find(string text) => throw new RegexMatchTimeoutException(text, "x", TimeSpan.FromMilliseconds(1));
    }
}
