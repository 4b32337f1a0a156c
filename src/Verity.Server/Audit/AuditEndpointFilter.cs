using Microsoft.AspNetCore.Http.Metadata;
using Verity.Server.Contracts;
using Verity.Server.Endpoints;

namespace Verity.Server.Audit;

/// <summary>Copies what an audit record needs from the bound arguments (before the handler runs, so a request that
/// fails still has its query) and from the result into the request's <see cref="AuditContext"/>. It never changes
/// the arguments or the result.</summary>
internal sealed class AuditEndpointFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var audit = context.HttpContext.RequestServices.GetRequiredService<AuditContext>();
        foreach (var argument in context.Arguments)
        {
            switch (argument)
            {
                case ChatRequestBody chat:
                    audit.Query ??= chat.Question ?? chat.Query;
                    break;
                case OpenAiChatRequest openAi:
                    audit.Query ??= OpenAiMessages.Question(openAi.Messages);
                    break;
                case SearchRequestBody search:
                    audit.Query ??= search.Query;
                    break;
                case DocumentRequestBody document:
                    audit.DocumentId ??= document.Id;
                    break;
            }
        }

        var result = await next(context);
        Capture(audit, result);
        return result;
    }

    private static void Capture(AuditContext audit, object? result)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        switch ((result as IValueHttpResult)?.Value ?? result)
        {
            case ChatResponseBody chat:
                audit.ChunkIds ??= [.. chat.Sources.Select(s => s.Id)];
                if (audit.AnswerHash is null)
                {
                    audit.SetAnswer(chat.Answer);
                }

                break;
            case SearchResponseBody search:
                audit.ChunkIds ??= [.. search.Results.Select(r => r.Id)];
                break;
            case DocumentWriteResponse written:
                // The id of a document posted without one is only known now.
                audit.DocumentId ??= written.Id;
                break;
            case ApiKeyCreatedResponse created:
                // Only the id: the response also carries the key itself, which must never reach the log.
                audit.ApiKeyId ??= created.Id;
                break;
        }
    }
}
