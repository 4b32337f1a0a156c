using System.Text;
using System.Text.RegularExpressions;

namespace Verity.Core.Guardrails;

/// <param name="Text">The text with every match replaced by its kind's token.</param>
/// <param name="Counts">Replacements per kind (only kinds with at least one).</param>
/// <param name="TimedOut">Kinds whose scan ran out of time; the text may still contain them.</param>
public sealed record PiiRedaction(string Text, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<string> TimedOut)
{
    public int Total => Counts.Values.Sum();
}

/// <summary>
/// Replaces personal data with tokens (<c>[EMAIL]</c>, <c>[PHONE]</c>, …). Where matches of different kinds
/// overlap, the detector listed first wins; the built-in order puts the most specific, checksum-verified kinds
/// before the phone detector, whose shapes are the loosest.
/// </summary>
public sealed class PiiRedactor
{
    private readonly IPiiDetector[] _detectors;

    public PiiRedactor(IEnumerable<IPiiDetector> detectors)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        _detectors = [.. detectors];
    }

    /// <summary>All built-in detectors.</summary>
    public static PiiRedactor Default { get; } = new(BuiltInDetectors(new PiiOptions()));

    public IReadOnlyList<IPiiDetector> Detectors => _detectors;

    public static PiiRedactor FromOptions(GuardrailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PiiRedactor(BuiltInDetectors(options.Pii));
    }

    /// <summary>The built-in detectors the options enable, in precedence order.</summary>
    public static IReadOnlyList<IPiiDetector> BuiltInDetectors(PiiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var detectors = new List<IPiiDetector>();
        if (options.Email)
        {
            detectors.Add(new EmailDetector());
        }

        if (options.Iban)
        {
            detectors.Add(new IbanDetector());
        }

        if (options.PaymentCard)
        {
            detectors.Add(new PaymentCardDetector());
        }

        if (options.UsSsn)
        {
            detectors.Add(new UsSsnDetector());
        }

        if (options.UkNationalInsurance)
        {
            detectors.Add(new UkNationalInsuranceDetector());
        }

        if (options.Phone)
        {
            detectors.Add(new PhoneNumberDetector());
        }

        return detectors;
    }

    public PiiRedaction Redact(string? text)
    {
        if (string.IsNullOrEmpty(text) || _detectors.Length == 0)
        {
            return new PiiRedaction(text ?? "", new Dictionary<string, int>(), []);
        }

        var taken = new bool[text.Length];
        var accepted = new List<(PiiMatch Match, IPiiDetector Detector)>();
        var timedOut = new List<string>();
        foreach (var detector in _detectors)
        {
            IReadOnlyList<PiiMatch> matches;
            try
            {
                matches = detector.Find(text);
            }
            catch (RegexMatchTimeoutException)
            {
                timedOut.Add(detector.Kind);
                continue;
            }

            foreach (var match in matches)
            {
                if (match.Length <= 0 || match.Index < 0 || match.Index + match.Length > text.Length
                    || taken.AsSpan(match.Index, match.Length).Contains(true))
                {
                    continue;
                }

                taken.AsSpan(match.Index, match.Length).Fill(true);
                accepted.Add((match, detector));
            }
        }

        accepted.Sort((a, b) => a.Match.Index.CompareTo(b.Match.Index));
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var output = new StringBuilder(text.Length);
        var position = 0;
        foreach (var (match, detector) in accepted)
        {
            output.Append(text, position, match.Index - position).Append(detector.Replacement);
            position = match.Index + match.Length;
            counts[detector.Kind] = counts.GetValueOrDefault(detector.Kind) + 1;
        }

        output.Append(text, position, text.Length - position);
        return new PiiRedaction(output.ToString(), counts, timedOut);
    }
}
