using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Verity.Core.Chat;
using Verity.Server.Contracts;

namespace Verity.Server.Endpoints;

/// <summary>
/// A streamed answer as <c>chat.completion.chunk</c> objects: the role first, then the text, then a chunk with
/// <c>finish_reason</c>, the sources and Verity's view of the answer, a usage chunk when asked for, and
/// <c>[DONE]</c>. The protocol cannot take back text already sent, so when a model fails mid-answer the client
/// gets a visible line saying so before the fallback's complete answer.
/// </summary>
internal static class OpenAiStream
{
    private const string Done = "[DONE]";

    public static async IAsyncEnumerable<SseItem<string>> ChunksAsync(
        StartedChatStream stream, HttpContext context, string question, OpenAiChunkHeader header, bool includeUsage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var events = stream;
        var json = EventStreams.JsonOptions(context);
        var roleSent = false;
        var written = false;
        ChatRetracted? retracted = null;
        await foreach (var update in events.ReadAsync(cancellationToken))
        {
            switch (update)
            {
                case ChatAnswering answering:
                    if (!roleSent || retracted is not null)
                    {
                        yield return Item(json, Delta(header, roleSent ? null : "assistant", retracted is null ? "" : Separator(retracted, answering)));
                        roleSent = true;
                        retracted = null;
                    }

                    written = false;
                    break;
                case ChatDelta delta:
                    yield return Item(json, Delta(header, roleSent ? null : "assistant", delta.Text));
                    roleSent = true;
                    written |= delta.Text.Length > 0;
                    break;
                case ChatRetracted r when written:
                    // Only text the client has already shown needs the separator.
                    retracted = r;
                    break;
                case ChatCompleted completed:
                    ChatAudit.Record(context, question, completed.Result);
                    var response = completed.Result.ToResponse();
                    if (response.Notice is { } notice)
                    {
                        yield return Item(json, Delta(header, null, OpenAiMessages.NoticeSuffix(notice)));
                    }

                    yield return Item(json, new OpenAiChatChunk(header.Id, "chat.completion.chunk", header.Created, header.Model,
                        [new OpenAiChunkChoice(0, new OpenAiDelta(), "stop")])
                    {
                        Sources = response.Sources,
                        Verity = VerityAnswerDto.From(response),
                    });
                    if (includeUsage)
                    {
                        yield return Item(json, new OpenAiChatChunk(header.Id, "chat.completion.chunk", header.Created, header.Model, [])
                        {
                            Usage = response.Usage ?? OpenAiMessages.NoUsage,
                        });
                    }

                    yield return new SseItem<string>(Done);
                    break;
                case ChatStreamFailed failed:
                    // OpenAI's own streams report a late failure as a data object with an error member.
                    var problem = StreamProblems.For(failed.Error, context);
                    problem.Extensions["error"] = OpenAiErrors.For(problem);
                    yield return EventStreams.Json(problem, null, json);
                    break;
            }
        }
    }

    private static OpenAiChatChunk Delta(OpenAiChunkHeader header, string? role, string content) =>
        new(header.Id, "chat.completion.chunk", header.Created, header.Model, [new OpenAiChunkChoice(0, new OpenAiDelta(role, content), null)]);

    private static SseItem<string> Item(JsonSerializerOptions json, OpenAiChatChunk chunk) => EventStreams.Json(chunk, null, json);

    // Written when the next generator starts, so the line can say truthfully where the rest comes from.
    private static string Separator(ChatRetracted retracted, ChatAnswering next) =>
        $"\n\n[{retracted.Generator} stopped mid-answer, so the text above is incomplete. The answer below " +
        (next.Generator == "extractive"
            ? "is quoted straight from the documents.]\n\n"
            : $"is written by {next.Generator}{(next.Model is null ? "" : $" ({next.Model})")}.]\n\n");
}
