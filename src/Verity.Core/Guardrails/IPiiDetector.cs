namespace Verity.Core.Guardrails;

/// <summary>Finds one kind of personal data in a text. Implementations must be thread-safe and should run in
/// time linear in the text; the redactor treats a <see cref="System.Text.RegularExpressions.RegexMatchTimeoutException"/>
/// as "this kind could not be checked".</summary>
public interface IPiiDetector
{
    /// <summary>Stable id of the kind (see <see cref="PiiKinds"/>); used as the key of redaction counts.</summary>
    string Kind { get; }

    /// <summary>What replaces a match, e.g. <c>[EMAIL]</c>.</summary>
    string Replacement { get; }

    /// <summary>The matches in <paramref name="text"/>, in order of position.</summary>
    IReadOnlyList<PiiMatch> Find(string text);
}

/// <summary>A span of the scanned text.</summary>
public readonly record struct PiiMatch(int Index, int Length);

/// <summary>Ids of the built-in PII kinds.</summary>
public static class PiiKinds
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string PaymentCard = "payment_card";
    public const string Iban = "iban";
    public const string UsSsn = "us_ssn";
    public const string UkNationalInsurance = "uk_ni";
}
