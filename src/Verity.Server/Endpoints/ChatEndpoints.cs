using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Verity.Core.Audit;
using Verity.Core.Chat;
using Verity.Core.Model;
using Verity.Server.Contracts;
using Verity.Server.Security;

namespace Verity.Server.Endpoints;

public static class ChatEndpoints
{
    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/chat", ChatAsync)
            .WithName("Chat")
            .WithSummary("Answer a question from the indexed documents, citing the sources as [n].")
            .WithTags("Chat")
            .RequireAuthorization(AuthSetup.ReadPolicy)
            .Audited(AuditActions.Chat)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<Ok<ChatResponseBody>> ChatAsync(
        ChatRequestBody body, ChatService chat, HttpContext context, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(context);
        var result = await chat.AskAsync(
            new ChatRequest
            {
                Question = body.Question ?? body.Query ?? "",
                TenantId = caller.TenantId,
                Principals = caller.Principals,
                Mode = body.Mode ?? SearchMode.Hybrid,
                TopK = body.TopK,
                Filters = body.Filters,
                Ranges = body.Ranges.ToRanges(),
            },
            cancellationToken);

        if (context.RequestServices.GetService<Audit.AuditContext>() is { } audit)
        {
            foreach (var source in result.Guardrails.Sources)
            {
                audit.Guardrails.Add($"{(source.Excluded ? "excluded" : "flagged")}:{source.ChunkId}:{string.Join('+', source.RuleIds)}");
            }

            foreach (var (kind, count) in result.Guardrails.AnswerRedactions)
            {
                audit.Guardrails.Add($"redacted:{kind}:{count}");
            }
        }

        return TypedResults.Ok(new ChatResponseBody(
            result.Answer,
            result.Sources.Select((s, i) => s.ToSource(i + 1)).ToList(),
            result.Grounded,
            result.Citations,
            result.Generator,
            Math.Round(result.LatencyMs, 2),
            result.Guardrails));
    }
}
