using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
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
            .WithDescription(
                "With \"stream\": true the answer arrives as Server-Sent Events: answering {generator, model}, token {text} " +
                "(repeated), retract {generator, reason} when a model failed mid-answer (discard the text since the last " +
                "answering), then sources [...] and done with the complete response body; error carries a ProblemDetails " +
                "object when the stream fails after it started.")
            .WithTags("Chat")
            .RequireAuthorization(AuthSetup.ReadPolicy)
            .Audited(AuditActions.Chat)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<Results<Ok<ChatResponseBody>, ServerSentEventsResult<string>>> ChatAsync(
        ChatRequestBody body, ChatService chat, HttpContext context, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(context);
        var question = body.Question ?? body.Query ?? "";
        var request = new ChatRequest
        {
            Question = question,
            TenantId = caller.TenantId,
            Principals = caller.Principals,
            Mode = body.Mode ?? SearchMode.Hybrid,
            TopK = body.TopK,
            Filters = body.Filters,
            Ranges = body.Ranges.ToRanges(),
        };

        if (body.Stream != true)
        {
            var result = await chat.AskAsync(request, cancellationToken);
            ChatAudit.Record(context, question, result);
            return TypedResults.Ok(result.ToResponse());
        }

        // Read the first event before anything is sent, so an invalid or refused question is still a 4xx.
        var stream = await StartedChatStream.StartAsync(chat.StreamAsync(request, cancellationToken), cancellationToken);
        EventStreams.PrepareResponse(context);
        return TypedResults.ServerSentEvents(EventsAsync(stream, context, question, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<string>> EventsAsync(
        StartedChatStream stream, HttpContext context, string question, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var events = stream;
        var json = EventStreams.JsonOptions(context);
        await foreach (var update in events.ReadAsync(cancellationToken))
        {
            switch (update)
            {
                case ChatAnswering answering:
                    yield return EventStreams.Json(new AnsweringEventDto(answering.Generator, answering.Model), "answering", json);
                    break;
                case ChatDelta delta:
                    yield return EventStreams.Json(new TokenEventDto(delta.Text), "token", json);
                    break;
                case ChatRetracted retracted:
                    yield return EventStreams.Json(new RetractEventDto(retracted.Generator, retracted.Reason), "retract", json);
                    break;
                case ChatCompleted completed:
                    ChatAudit.Record(context, question, completed.Result);
                    var response = completed.Result.ToResponse();
                    yield return EventStreams.Json(response.Sources, "sources", json);
                    yield return EventStreams.Json(response, "done", json);
                    break;
                case ChatStreamFailed failed:
                    yield return EventStreams.Json(StreamProblems.For(failed.Error, context), "error", json);
                    break;
            }
        }
    }
}
