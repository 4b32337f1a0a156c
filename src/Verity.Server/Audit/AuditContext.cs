using Verity.Core.Audit;

namespace Verity.Server.Audit;

/// <summary>
/// What the audit record of the current request needs beyond status and timing; one per request (scoped).
/// <see cref="AuditEndpointFilter"/> fills it from the request body, the route and the handler's result; a handler
/// (or a guardrail) may set a value itself, which then wins, and adds its decisions to <see cref="Guardrails"/>.
/// </summary>
public sealed class AuditContext
{
    /// <summary>The query or question as the caller sent it (hashed at write time when configured).</summary>
    public string? Query { get; set; }

    public string? DocumentId { get; set; }

    /// <summary>The chunks the response was built from, in response order.</summary>
    public IReadOnlyList<string>? ChunkIds { get; set; }

    /// <summary><c>sha256:…</c> of the answer returned; set with <see cref="SetAnswer"/>.</summary>
    public string? AnswerHash { get; set; }

    /// <summary>Who wrote the answer returned (<see cref="Verity.Core.Chat.ChatResult.Generator"/>). This and
    /// <see cref="Degraded"/> and <see cref="Cached"/> are set by the chat endpoints; null when no answer was returned.</summary>
    public string? Generator { get; set; }

    public bool? Degraded { get; set; }

    public bool? Cached { get; set; }

    /// <summary>The id of the API key a key action created; the middleware takes a revoked key's id from the route
    /// and, for other actions, the id of the key that authenticated. Never the key or its secret.</summary>
    public string? ApiKeyId { get; set; }

    /// <summary>Guardrail decisions taken on this request, e.g. rule ids of what was flagged or blocked.</summary>
    public IList<string> Guardrails { get; } = [];

    public void SetAnswer(string answer) => AnswerHash = AuditRecord.Hash(answer);
}
