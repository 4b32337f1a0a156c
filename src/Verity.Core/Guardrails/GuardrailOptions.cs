using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Guardrails;

/// <summary>
/// What the guardrails check and what they do about it. Bound from the <c>Guardrails</c> configuration section;
/// the defaults block injection in questions, keep injected chunks away from the generator and redact PII in
/// answers, but leave stored documents untouched (redacting at ingestion changes what search can find, so it is
/// opt-in).
/// </summary>
public sealed class GuardrailOptions : IValidatableObject
{
    public const string SectionName = "Guardrails";

    /// <summary>Longest accepted query, in UTF-16 characters (the unit <c>string.Length</c> and the retrieval
    /// limit use).</summary>
    [Range(1, 100_000)]
    public int MaxQueryLength { get; set; } = 2000;

    /// <summary>Refuse a query that contains a prompt-injection attempt. When false the query goes through and the
    /// findings are only reported (a monitoring mode for tuning).</summary>
    public bool BlockInjectionInQueries { get; set; } = true;

    /// <summary>Remove retrieved chunks whose text contains an injection attempt (indirect prompt injection)
    /// before they reach the generator. When false they are kept and only reported.</summary>
    public bool ExcludeFlaggedChunks { get; set; } = true;

    /// <summary>Replace PII in documents before they are chunked, embedded and stored.</summary>
    public bool RedactPiiAtIngestion { get; set; }

    /// <summary>Replace PII in generated answers before they are returned.</summary>
    public bool RedactPiiInAnswers { get; set; } = true;

    /// <summary>Which kinds of PII the redactor looks for.</summary>
    public PiiOptions Pii { get; set; } = new();

    /// <summary>Extra injection patterns (.NET regular expressions), matched case-insensitively against the text
    /// after the same folding the built-in rules see: lower case, NFKC-style compatibility forms, no zero-width
    /// characters. They run with the non-backtracking engine when they can, and always with a timeout.</summary>
    public IList<string> CustomInjectionPatterns { get; } = [];

    /// <summary>Time limit for one custom pattern on one text. A pattern that runs out of time counts as a finding:
    /// text that cannot be checked is not trusted.</summary>
    [Range(10, 10_000)]
    public int CustomPatternTimeoutMilliseconds { get; set; } = 250;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A bad pattern is a configuration error: report it at startup rather than on the first request.
        for (var i = 0; i < CustomInjectionPatterns.Count; i++)
        {
            var pattern = CustomInjectionPatterns[i];
            string? error = null;
            if (string.IsNullOrWhiteSpace(pattern))
            {
                error = "is empty";
            }
            else
            {
                try
                {
                    _ = PromptInjectionDetector.CompileCustom(pattern, TimeSpan.FromMilliseconds(CustomPatternTimeoutMilliseconds));
                }
                catch (ArgumentException e)
                {
                    error = "is not a valid regular expression: " + e.Message;
                }
            }

            if (error is not null)
            {
                yield return new ValidationResult(
                    $"Custom injection pattern {i + 1} {error}", [nameof(CustomInjectionPatterns)]);
            }
        }
    }
}

/// <summary>Switches for each kind of PII the built-in redactor knows; all on by default.</summary>
public sealed class PiiOptions
{
    public bool Email { get; set; } = true;

    public bool Phone { get; set; } = true;

    public bool PaymentCard { get; set; } = true;

    public bool Iban { get; set; } = true;

    /// <summary>US Social Security numbers.</summary>
    public bool UsSsn { get; set; } = true;

    /// <summary>UK National Insurance numbers.</summary>
    public bool UkNationalInsurance { get; set; } = true;
}
