using Verity.Core.Chat;
using Verity.Server.Audit;

namespace Verity.Server.Endpoints;

/// <summary>What the audit record of an answer keeps, including how it was produced (generator, degraded, cached). Set
/// by the chat endpoints themselves (<c>/v1/chat</c>, streamed or not, and <c>/v1/chat/completions</c>): the endpoint
/// filter never sees the body of a streamed answer.</summary>
internal static class ChatAudit
{
    public static void Record(HttpContext context, string? question, ChatResult result)
    {
        if (context.RequestServices.GetService<AuditContext>() is not { } audit)
        {
            return;
        }

        audit.Query ??= question;
        audit.ChunkIds ??= [.. result.Sources.Select(s => s.Chunk.Id)];
        if (audit.AnswerHash is null)
        {
            audit.SetAnswer(result.Answer);
        }

        audit.Generator ??= result.Generator;
        audit.Degraded ??= result.Degraded;
        audit.Cached ??= result.Cached;

        foreach (var source in result.Guardrails.Sources)
        {
            audit.Guardrails.Add($"{(source.Excluded ? "excluded" : "flagged")}:{source.ChunkId}:{string.Join('+', source.RuleIds)}");
        }

        foreach (var (kind, count) in result.Guardrails.AnswerRedactions)
        {
            audit.Guardrails.Add($"redacted:{kind}:{count}");
        }
    }
}
