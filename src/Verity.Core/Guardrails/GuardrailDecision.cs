namespace Verity.Core.Guardrails;

/// <summary>Rule ids of the guardrails. They are stable strings: API clients and audit queries match on them.</summary>
public static class GuardrailRules
{
    public const string InputTooLong = "input.too_long";
    public const string InputControlCharacters = "input.control_characters";
    public const string InputBidiControls = "input.bidi_controls";

    public const string IgnorePreviousInstructions = "injection.ignore_previous_instructions";
    public const string DisregardRules = "injection.disregard_rules";
    public const string RoleReassignment = "injection.role_reassignment";
    public const string JailbreakPersona = "injection.jailbreak_persona";
    public const string PromptExtraction = "injection.prompt_extraction";
    public const string SystemPromptLabel = "injection.system_prompt_label";
    public const string AiDirectedNote = "injection.ai_directed_note";
    public const string RoleTag = "injection.role_tag";
    public const string ExfiltrationRequest = "injection.exfiltration_request";
    public const string MarkdownImageExfiltration = "injection.markdown_image_exfiltration";
    public const string ScanTimeout = "injection.scan_timeout";

    /// <summary>Custom patterns are numbered from 1 in configuration order.</summary>
    public static string Custom(int number) => $"injection.custom_{number}";
}

/// <summary>Why a guardrail objected: a rule id and a fixed description. Never carries the text that matched, so
/// it can go into API responses and audit records as is.</summary>
public sealed record GuardrailReason(string RuleId, string Description);

/// <summary>The verdict on one input. <see cref="Allowed"/> with reasons means "flagged but let through" (for
/// example when blocking is switched off).</summary>
public sealed record GuardrailDecision(bool Allowed, IReadOnlyList<GuardrailReason> Reasons)
{
    public static GuardrailDecision Pass { get; } = new(true, []);

    public IReadOnlyList<string> RuleIds() => Reasons.Select(r => r.RuleId).Distinct(StringComparer.Ordinal).ToList();
}
