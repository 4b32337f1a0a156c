namespace Verity.Core.Guardrails;

/// <summary>
/// Checks a user's query before it costs anything: length, characters no person types, and prompt-injection
/// attempts. Complements <see cref="Verity.Core.Retrieval.QueryPolicy"/>, which owns emptiness and normalisation.
/// </summary>
public static class InputGuard
{
    public static GuardrailDecision Check(string? query, GuardrailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        query ??= "";

        // Too long is decided on length alone: scanning a huge input first would hand an attacker the cost.
        if (query.Length > options.MaxQueryLength)
        {
            return new GuardrailDecision(false,
            [
                new GuardrailReason(GuardrailRules.InputTooLong,
                    $"The query is {query.Length} characters long; the limit is {options.MaxQueryLength}."),
            ]);
        }

        var reasons = new List<GuardrailReason>();
        var blocked = false;
        if (HasControlCharacters(query))
        {
            blocked = true;
            reasons.Add(new GuardrailReason(GuardrailRules.InputControlCharacters,
                "The query contains control characters (only line breaks and tabs are accepted)."));
        }

        if (HasBidiControls(query))
        {
            // Directional overrides make text display differently from what it is ("Trojan Source"); a query has
            // no use for them, and they would make the audit log lie.
            blocked = true;
            reasons.Add(new GuardrailReason(GuardrailRules.InputBidiControls,
                "The query contains bidirectional override characters."));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var finding in PromptInjectionDetector.For(options).Scan(query))
        {
            if (seen.Add(finding.RuleId))
            {
                reasons.Add(new GuardrailReason(finding.RuleId, finding.Description));
                blocked |= options.BlockInjectionInQueries;
            }
        }

        return reasons.Count == 0 ? GuardrailDecision.Pass : new GuardrailDecision(!blocked, reasons);
    }

    // "\r\n" is how a pasted multi-line question arrives from Windows clients: it is a line break, not a control.
    private static bool HasControlCharacters(string query)
    {
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (char.IsControl(c) && c is not ('\n' or '\t') && !(c == '\r' && i + 1 < query.Length && query[i + 1] == '\n'))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasBidiControls(string query) =>
        query.AsSpan().IndexOfAnyInRange('\u202A', '\u202E') >= 0 || query.AsSpan().IndexOfAnyInRange('\u2066', '\u2069') >= 0;
}
