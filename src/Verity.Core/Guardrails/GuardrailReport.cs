namespace Verity.Core.Guardrails;

/// <summary>What the guardrails did about one source, for metadata and audit: where it was, what it was, whether it
/// was dropped and which rules it tripped.</summary>
public sealed record SourceReport(int Position, string ChunkId, string DocumentId, bool Excluded, IReadOnlyList<string> RuleIds);

/// <summary>
/// Everything the guardrails did to one request, shaped for an API response's metadata and an audit record: rule
/// ids, kinds and counts. It never holds the query, the matched text or the redacted values — only what a log may
/// keep without becoming a store of the very data the guardrails protect.
/// </summary>
public sealed record GuardrailReport
{
    public static GuardrailReport None { get; } = new();

    /// <summary>True when the request was refused.</summary>
    public bool Blocked { get; init; }

    /// <summary>Rules the query tripped (blocking or not).</summary>
    public IReadOnlyList<string> InputRules { get; init; } = [];

    /// <summary>Sources with injection findings.</summary>
    public IReadOnlyList<SourceReport> Sources { get; init; } = [];

    /// <summary>PII replaced in the answer, by kind.</summary>
    public IReadOnlyDictionary<string, int> AnswerRedactions { get; init; } = new Dictionary<string, int>();

    /// <summary>PII kinds that could not be checked in time.</summary>
    public IReadOnlyList<string> RedactionTimedOut { get; init; } = [];

    public static GuardrailReport Create(GuardrailDecision? input = null, ContextFilterResult? context = null, PiiRedaction? answer = null) =>
        new()
        {
            Blocked = input is { Allowed: false },
            InputRules = input?.RuleIds() ?? [],
            Sources = context is null
                ? []
                : [.. context.Flagged.Select(f => new SourceReport(f.Position, f.ChunkId, f.DocumentId, f.Excluded, f.RuleIds))],
            AnswerRedactions = answer?.Counts ?? new Dictionary<string, int>(),
            RedactionTimedOut = answer?.TimedOut ?? [],
        };
}
