using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Verity.Testing.OpenAi;

/// <summary>Writes replies in the OpenAI wire format: <c>chat.completion</c> objects, <c>chat.completion.chunk</c>
/// Server-Sent Events ending in <c>data: [DONE]</c>, embedding lists, model lists and error objects.</summary>
internal static class FakeResponseWriter
{
    private const string Fingerprint = "fp_verity_fake";
    private static readonly TimeSpan AbortPause = TimeSpan.FromMilliseconds(100);

    public static async Task WriteChatAsync(HttpContext context, FakeRequest request, FakeReply reply, CancellationToken cancellationToken)
    {
        if (!await BeginAsync(context, reply, cancellationToken))
        {
            return;
        }

        if (reply.Kind != FakeReplyKind.Answer)
        {
            await WriteErrorAsync(context, FakeReply.Error(500, $"A {reply.Kind} reply cannot answer a chat request."), cancellationToken);
            return;
        }

        var id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..24];
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var model = request.Model ?? "fake-chat";
        var usage = Usage(FakeTokens.Count(request.Messages), FakeTokens.Count(reply.Text));
        if (!request.Stream)
        {
            if (reply.AbortAfterChunks is not null)
            {
                context.Abort();
                return;
            }

            var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text, ["refusal"] = null };
            var choice = new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = reply.FinishReason };
            var completion = Envelope(id, "chat.completion", created, model);
            completion["choices"] = new JsonArray(choice);
            completion["usage"] = usage;
            await WriteJsonAsync(context, 200, completion, cancellationToken);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        await SendAsync(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "", ["refusal"] = null }, null));
        var pieces = FakeTokens.Split(reply.Text, reply.Chunks);
        for (var i = 0; i < pieces.Count; i++)
        {
            if (reply.AbortAfterChunks == i)
            {
                await AbortAsync();
                return;
            }

            if (i > 0 && reply.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(reply.ChunkDelay, cancellationToken);
            }

            await SendAsync(Chunk(new JsonObject { ["content"] = pieces[i] }, null));
        }

        if (reply.AbortAfterChunks is not null)
        {
            await AbortAsync();
            return;
        }

        await SendAsync(Chunk(new JsonObject(), reply.FinishReason));
        if (request.IncludeUsage)
        {
            var last = Envelope(id, "chat.completion.chunk", created, model);
            last["choices"] = new JsonArray();
            last["usage"] = usage;
            await SendAsync(last);
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);

        JsonObject Chunk(JsonObject delta, string? finishReason)
        {
            var chunk = Envelope(id, "chat.completion.chunk", created, model);
            chunk["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason,
            });
            if (request.IncludeUsage)
            {
                chunk["usage"] = null;
            }

            return chunk;
        }

        // A reset discards what the client has received but not read yet: pause first, so that it reads the
        // chunks already sent, as it would from a server that died a moment after sending them.
        async Task AbortAsync()
        {
            await Task.Delay(reply.ChunkDelay > AbortPause ? reply.ChunkDelay : AbortPause, cancellationToken);
            context.Abort();
        }

        async Task SendAsync(JsonObject data)
        {
            await context.Response.WriteAsync("data: " + data.ToJsonString() + "\n\n", cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
        }
    }

    public static async Task WriteEmbeddingsAsync(
        HttpContext context, FakeRequest request, FakeReply reply, int defaultDimensions, CancellationToken cancellationToken)
    {
        if (!await BeginAsync(context, reply, cancellationToken))
        {
            return;
        }

        if (reply.Kind != FakeReplyKind.Vectors)
        {
            await WriteErrorAsync(context, FakeReply.Error(500, $"A {reply.Kind} reply cannot answer an embeddings request."), cancellationToken);
            return;
        }

        var dimensions = reply.Dimensions ?? request.Dimensions ?? defaultDimensions;
        var base64 = request.EncodingFormat == "base64";
        var data = new JsonArray();
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var vector = FakeVectors.For(request.Inputs[i], dimensions);
            JsonNode embedding = base64
                ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()))
                : new JsonArray(vector.Select(v => (JsonNode)v).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        var tokens = request.Inputs.Sum(FakeTokens.Count);
        var list = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = request.Model ?? "fake-embedding",
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        };
        await WriteJsonAsync(context, 200, list, cancellationToken);
    }

    public static Task WriteModelsAsync(HttpContext context, IReadOnlyList<string> models, CancellationToken cancellationToken)
    {
        var data = new JsonArray(models.Select(m => (JsonNode)new JsonObject
        {
            ["id"] = m, ["object"] = "model", ["created"] = 1_700_000_000, ["owned_by"] = "verity-fake",
        }).ToArray());
        return WriteJsonAsync(context, 200, new JsonObject { ["object"] = "list", ["data"] = data }, cancellationToken);
    }

    public static Task WriteErrorAsync(HttpContext context, FakeReply reply, CancellationToken cancellationToken)
    {
        var (type, code) = reply.StatusCode switch
        {
            401 => ("invalid_request_error", "invalid_api_key"),
            403 => ("invalid_request_error", "unsupported_country_region_territory"),
            404 => ("invalid_request_error", "model_not_found"),
            429 => ("requests", "rate_limit_exceeded"),
            >= 500 => ("server_error", null),
            _ => ("invalid_request_error", (string?)null),
        };
        if (reply.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["retry-after-ms"] = ((long)retryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }

        var error = new JsonObject
        {
            ["message"] = reply.ErrorMessage ?? $"The fake server was told to fail with {reply.StatusCode}.",
            ["type"] = type,
            ["param"] = null,
            ["code"] = code,
        };
        return WriteJsonAsync(context, reply.StatusCode, new JsonObject { ["error"] = error }, cancellationToken);
    }

    /// <summary>Applies the reply's delay, then handles the kinds that do not depend on the endpoint (hang, error).
    /// False when the reply has been dealt with.</summary>
    private static async Task<bool> BeginAsync(HttpContext context, FakeReply reply, CancellationToken cancellationToken)
    {
        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, cancellationToken);
        }

        switch (reply.Kind)
        {
            case FakeReplyKind.Hang:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return false;
            case FakeReplyKind.Error:
                await WriteErrorAsync(context, reply, cancellationToken);
                return false;
            default:
                return true;
        }
    }

    private static JsonObject Envelope(string id, string type, long created, string model) => new()
    {
        ["id"] = id, ["object"] = type, ["created"] = created, ["model"] = model, ["system_fingerprint"] = Fingerprint,
    };

    private static JsonObject Usage(int prompt, int completion) => new()
    {
        ["prompt_tokens"] = prompt, ["completion_tokens"] = completion, ["total_tokens"] = prompt + completion,
    };

    private static async Task WriteJsonAsync(HttpContext context, int status, JsonObject body, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), cancellationToken);
    }
}
