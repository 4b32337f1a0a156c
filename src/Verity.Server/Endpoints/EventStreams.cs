using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Verity.Server.Endpoints;

internal static class EventStreams
{
    /// <summary>Every event must reach the client when it is written: no response buffering here, and none in caches
    /// or reverse proxies (nginx honours <c>X-Accel-Buffering</c>).</summary>
    public static void PrepareResponse(HttpContext context)
    {
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>The JSON settings of every other response body (snake_case names, enums as strings).</summary>
    public static JsonSerializerOptions JsonOptions(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    /// <summary>An event whose data is <paramref name="value"/> as JSON. The data is serialized here, so that the
    /// result writes it as it is (a plain string such as <c>[DONE]</c> is not quoted).</summary>
    public static SseItem<string> Json<T>(T value, string? eventType, JsonSerializerOptions options) =>
        new(JsonSerializer.Serialize(value, options), eventType);
}
