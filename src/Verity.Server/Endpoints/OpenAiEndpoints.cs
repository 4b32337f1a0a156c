using Microsoft.AspNetCore.Http.HttpResults;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Core.Chat;
using Verity.Core.Model;
using Verity.Server.Contracts;
using Verity.Server.Security;

namespace Verity.Server.Endpoints;

/// <summary>
/// The OpenAI Chat Completions protocol over the knowledge base, so that OpenAI SDKs and chat front ends can use
/// Verity as a "model": the last user message is the question, the answer is the assistant message, and the sources
/// its <c>[n]</c> markers point to come along as an extra <c>sources</c> member. Same authorization, audit and rate
/// limits as <c>/v1/chat</c>; OpenAI SDKs authenticate with a Verity API key as their bearer token.
/// </summary>
public static class OpenAiEndpoints
{
    /// <summary>The id under which Verity lists itself; requests may name any model.</summary>
    public const string ModelId = "verity";

    private static readonly long Started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static IEndpointRouteBuilder MapOpenAiEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1")
            .WithTags("OpenAI compatible")
            .WithMetadata(OpenAiProtocolEndpoint.Instance)
            .RequireAuthorization(AuthSetup.ReadPolicy);

        group.MapPost("/chat/completions", CompleteAsync)
            .WithName("ChatCompletions")
            .WithSummary("OpenAI-compatible Chat Completions: answers the last user message from the indexed documents.")
            .WithDescription(
                "Streaming (\"stream\": true) sends chat.completion.chunk objects as data: lines, the last one with " +
                "finish_reason, sources and verity, then data: [DONE]. Verity extensions: mode, top_k, filters.")
            .Audited(AuditActions.Chat)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/models", ListModels)
            .WithName("ListModels")
            .WithSummary("OpenAI-compatible model list: the one model, verity.");
        group.MapGet("/models/{id}", GetModel)
            .WithName("GetModel")
            .WithSummary("OpenAI-compatible model lookup.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Ok<OpenAiChatCompletion>, ServerSentEventsResult<string>>> CompleteAsync(
        OpenAiChatRequest body, ChatService chat, HttpContext context, CancellationToken cancellationToken)
    {
        var question = OpenAiMessages.Question(body.Messages);
        var caller = Caller.Of(context);
        var request = new ChatRequest
        {
            Question = question ?? throw new InvalidRequestException(
                "The request has no user message: the question is the content of the last message with role \"user\".", "messages"),
            TenantId = caller.TenantId,
            Principals = caller.Principals,
            Mode = body.Mode ?? SearchMode.Hybrid,
            TopK = body.TopK,
            Filters = body.Filters,
        };
        var header = new OpenAiChunkHeader(
            "chatcmpl-" + Guid.NewGuid().ToString("N"),
            DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            string.IsNullOrWhiteSpace(body.Model) ? ModelId : body.Model);

        if (body.Stream != true)
        {
            var result = await chat.AskAsync(request, cancellationToken);
            ChatAudit.Record(context, question, result);
            var response = result.ToResponse();
            return TypedResults.Ok(new OpenAiChatCompletion(
                header.Id,
                "chat.completion",
                header.Created,
                header.Model,
                [new OpenAiChoice(0, new OpenAiAssistantMessage("assistant", OpenAiMessages.Content(response)), "stop")],
                response.Usage ?? OpenAiMessages.NoUsage,
                response.Sources,
                VerityAnswerDto.From(response)));
        }

        // Read the first event before anything is sent, so an invalid or refused question is still a 4xx.
        var stream = await StartedChatStream.StartAsync(chat.StreamAsync(request, cancellationToken), cancellationToken);
        EventStreams.PrepareResponse(context);
        return TypedResults.ServerSentEvents(
            OpenAiStream.ChunksAsync(stream, context, question, header, body.StreamOptions?.IncludeUsage == true, cancellationToken));
    }

    public static Ok<OpenAiModelList> ListModels() =>
        TypedResults.Ok(new OpenAiModelList("list", [Model]));

    public static Ok<OpenAiModel> GetModel(string id) =>
        string.Equals(id, ModelId, StringComparison.Ordinal)
            ? TypedResults.Ok(Model)
            : throw new ResourceNotFoundException($"There is no model '{id}': this server answers as '{ModelId}'.");

    private static OpenAiModel Model => new(ModelId, "model", Started, "verity");
}

/// <summary>Marks the endpoints that speak the OpenAI protocol, whose errors also carry OpenAI's <c>error</c>.</summary>
internal sealed class OpenAiProtocolEndpoint
{
    public static readonly OpenAiProtocolEndpoint Instance = new();
}

/// <summary>What every chunk of one streamed completion repeats.</summary>
internal sealed record OpenAiChunkHeader(string Id, long Created, string Model);
