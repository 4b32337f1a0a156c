using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Verity.Core.Guardrails;

/// <summary>One rule the detector applies: its stable id and what it catches.</summary>
public sealed record InjectionRule(string Id, string Description);

/// <summary>A prompt-injection attempt found in a text: which rule matched and where, as a span of the original text
/// (<c>text.Substring(Index, Length)</c>). The matched text itself is not copied, so a finding can be logged.</summary>
public sealed record InjectionFinding(string RuleId, string Description, int Index, int Length);

/// <summary>
/// Finds known prompt-injection phrasings in a query or a retrieved chunk. The text is folded first (see
/// <see cref="FoldedText"/>), so casing, extra whitespace, zero-width characters, fullwidth or mathematical letters
/// and Cyrillic lookalikes do not hide an attack. All patterns run in linear time with a timeout.
/// </summary>
/// <remarks>
/// This is a tripwire for known phrasings, not a proof of safety: paraphrases, other languages, leetspeak and
/// encoded payloads (base64 and the like) pass. It is meant to stop the cheap, common attacks and to make the
/// indirect ones (instructions planted in indexed documents) visible.
/// </remarks>
public sealed class PromptInjectionDetector
{
    /// <summary>Enough to report a rule; a text full of repetitions must not produce an unbounded list.</summary>
    private const int MaxFindingsPerRule = 8;

    private const int MaxCachedDetectors = 32;

    private static readonly ConcurrentDictionary<string, PromptInjectionDetector> ByConfiguration = new(StringComparer.Ordinal);

    // Several rules need more than one pattern: a single alternation would exceed the non-backtracking engine's
    // automaton limit, and one pattern per phrasing family is easier to read.
    private static readonly (InjectionRule Rule, Regex[] Patterns)[] BuiltIn =
    [
        (new(GuardrailRules.IgnorePreviousInstructions, "Tells the model to ignore its previous instructions."),
            [InjectionPatterns.IgnorePrevious(), InjectionPatterns.IgnoreThenDoInstead()]),
        (new(GuardrailRules.DisregardRules, "Tells the model to disregard, forget or bypass its rules or safeguards."),
            [InjectionPatterns.DisregardRules()]),
        (new(GuardrailRules.RoleReassignment, "Tries to give the model a new, unrestricted identity (\"you are now ...\")."),
            [InjectionPatterns.RoleReassignment(), InjectionPatterns.UnrestrictedPersona()]),
        (new(GuardrailRules.JailbreakPersona, "Asks the model to act as a jailbreak persona (DAN, developer mode, no restrictions)."),
            [InjectionPatterns.JailbreakPersona()]),
        (new(GuardrailRules.PromptExtraction, "Asks the model to reveal its system prompt or hidden instructions."),
            [InjectionPatterns.PromptExtraction()]),
        (new(GuardrailRules.SystemPromptLabel, "Presents text as a system prompt or a privileged speaker (\"system prompt:\", \"admin:\")."),
            [InjectionPatterns.SystemPromptLabel(), InjectionPatterns.PrivilegedSpeaker()]),
        (new(GuardrailRules.AiDirectedNote, "Addresses instructions to an AI that reads the text."),
            [InjectionPatterns.AiDirectedNote(), InjectionPatterns.AiAddressedOrder()]),
        (new(GuardrailRules.RoleTag, "Contains chat-template role markers (<|im_start|>, [INST], ### system, BEGIN SYSTEM)."),
            [InjectionPatterns.RoleTag(), InjectionPatterns.TranscriptTurns()]),
        (new(GuardrailRules.ExfiltrationRequest, "Asks for the conversation, the prompt or secrets to be sent to an outside address."),
            [InjectionPatterns.ExfiltrationToAddress(), InjectionPatterns.ExfiltrationIntoUrl(), InjectionPatterns.ExfiltrationLootFirst()]),
        (new(GuardrailRules.MarkdownImageExfiltration, "Contains an image link whose URL would carry data out in its query string."),
            [InjectionPatterns.MarkdownImageExfiltration()]),
    ];

    private static readonly InjectionRule TimeoutRule =
        new(GuardrailRules.ScanTimeout, "The text could not be checked in time and is treated as suspicious.");

    private readonly (InjectionRule Rule, Regex[] Patterns)[] _rules;

    public PromptInjectionDetector(IEnumerable<string> customPatterns, TimeSpan customPatternTimeout)
    {
        var custom = customPatterns
            .Select((pattern, i) => (
                new InjectionRule(GuardrailRules.Custom(i + 1), $"Matches custom injection pattern {i + 1}."),
                new[] { CompileCustom(pattern, customPatternTimeout) }));
        _rules = [.. BuiltIn, .. custom];
    }

    /// <summary>The built-in rules only.</summary>
    public static PromptInjectionDetector Default { get; } = new([], TimeSpan.FromSeconds(1));

    public static IReadOnlyList<InjectionRule> BuiltInRules { get; } = [.. BuiltIn.Select(r => r.Rule)];

    /// <summary>The rules in force: built-in ones, then custom patterns.</summary>
    public IReadOnlyList<InjectionRule> Rules => [.. _rules.Select(r => r.Rule)];

    /// <summary>The detector for these options; custom patterns are compiled once per distinct configuration.</summary>
    public static PromptInjectionDetector For(GuardrailOptions options)
    {
        if (options.CustomInjectionPatterns.Count == 0)
        {
            return Default;
        }

        var key = options.CustomPatternTimeoutMilliseconds + "\n" + string.Join('\u0001', options.CustomInjectionPatterns);
        if (ByConfiguration.TryGetValue(key, out var cached))
        {
            return cached;
        }

        // Configurations change rarely; a bound keeps a reload loop from growing the cache forever.
        if (ByConfiguration.Count >= MaxCachedDetectors)
        {
            ByConfiguration.Clear();
        }

        return ByConfiguration.GetOrAdd(key, _ => new PromptInjectionDetector(
            options.CustomInjectionPatterns.ToList(), TimeSpan.FromMilliseconds(options.CustomPatternTimeoutMilliseconds)));
    }

    /// <summary>The findings in <paramref name="text"/>, ordered by position; empty when none.</summary>
    public IReadOnlyList<InjectionFinding> Scan(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var folded = FoldedText.Fold(text);
        var findings = new List<InjectionFinding>();
        foreach (var (rule, patterns) in _rules)
        {
            try
            {
                // Per rule, not per pattern: two patterns of one rule matching the same phrase is one finding.
                var spans = new List<(int Index, int Length)>();
                foreach (var pattern in patterns)
                {
                    for (var match = pattern.Match(folded.Text); match.Success && spans.Count < MaxFindingsPerRule; match = match.NextMatch())
                    {
                        if (match.Length > 0 && !spans.Any(s => s.Index < match.Index + match.Length && match.Index < s.Index + s.Length))
                        {
                            spans.Add((match.Index, match.Length));
                        }
                    }
                }

                foreach (var (index, length) in spans)
                {
                    var original = folded.ToOriginal(index, length);
                    findings.Add(new InjectionFinding(rule.Id, rule.Description, original.Index, original.Length));
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // Fail closed: a text that defeats the scanner is exactly the text not to trust.
                findings.Add(new InjectionFinding(TimeoutRule.Id, TimeoutRule.Description, 0, text.Length));
            }
        }

        findings.Sort((a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : string.CompareOrdinal(a.RuleId, b.RuleId));
        return findings;
    }

    /// <summary>Compiles a custom pattern as the detector runs it; throws <see cref="ArgumentException"/> when it is
    /// not a valid regular expression.</summary>
    internal static Regex CompileCustom(string pattern, TimeSpan timeout)
    {
        // No ExplicitCapture: a custom pattern may use numbered backreferences.
        const RegexOptions Common = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline;
        try
        {
            return new Regex(pattern, Common | RegexOptions.NonBacktracking, timeout);
        }
        catch (NotSupportedException)
        {
            // Lookarounds and backreferences need the backtracking engine; the timeout still bounds them.
            return new Regex(pattern, Common, timeout);
        }
    }
}
