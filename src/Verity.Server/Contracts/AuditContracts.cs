using Verity.Core.Audit;

namespace Verity.Server.Contracts;

public sealed record AuditRecordDto(
    long Id,
    string Tenant,
    string User,
    DateTimeOffset At,
    string Action,
    string? Query,
    IReadOnlyList<string> ChunkIds,
    string? AnswerHash,
    string? DocumentId,
    double LatencyMs,
    string Outcome,
    int StatusCode,
    IReadOnlyList<string> Guardrails,
    string? TraceId,
    string? Generator,
    bool? Degraded,
    bool? Cached,
    string? ApiKeyId)
{
    public static AuditRecordDto From(AuditRecord r) => new(
        r.Id, r.TenantId, r.UserId, r.At, r.Action, r.Query, r.ChunkIds, r.AnswerHash, r.DocumentId,
        Math.Round(r.LatencyMs, 3), r.Outcome, r.StatusCode, r.Guardrails, r.TraceId, r.Generator, r.Degraded, r.Cached,
        r.ApiKeyId);
}

public sealed record AuditPageResponse(IReadOnlyList<AuditRecordDto> Records, string? Next);
