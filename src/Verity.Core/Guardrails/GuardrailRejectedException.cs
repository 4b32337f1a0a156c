namespace Verity.Core.Guardrails;

/// <summary>The input guardrails refused a question; the rule ids say why without repeating the input.</summary>
public sealed class GuardrailRejectedException(GuardrailDecision decision)
    : VerityException("The question was refused by the input guardrails: " + string.Join(", ", decision.RuleIds()) + ".")
{
    public GuardrailDecision Decision { get; } = decision;
}
