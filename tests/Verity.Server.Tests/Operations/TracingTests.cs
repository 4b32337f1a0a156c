using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Operations;

/// <summary>The trace of a real <c>/v1/chat</c> request over HTTP, as the host's tracer provider exports it: one tree
/// from the server span through the Verity stages down to the model's HTTP call, under the trace id the response
/// names, with ids, counts and outcomes in the tags but never the question, the documents or a key.</summary>
public sealed class TracingTests(TelemetryHost host) : IClassFixture<TelemetryHost>
{
    private const string Question = "Which error does the Pangolin client show before a restart?";

    [Fact]
    public async Task Chat_OverHttp_ExportsOneSpanTreeUnderTheResponsesTraceId()
    {
        using var response = await host.Client.PostAsJsonAsync("/v1/chat", new { question = Question });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        Assert.Matches("^[0-9a-f]{32}$", traceId);

        var spans = await host.Spans.TraceAsync(traceId, s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /v1/chat");
        // By route: the fake model runs in this process, so its server span is in the trace too (and the test's own
        // HttpClient span is the root).
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /v1/chat");
        Assert.Equal(200, server.GetTagItem("http.response.status_code"));
        Assert.All(spans, s => Assert.Equal(traceId, s.TraceId.ToHexString()));

        var auth = Single(spans, "verity.auth");
        Assert.Equal(server.SpanId, auth.ParentSpanId);
        Assert.Equal("authenticated", auth.GetTagItem("verity.auth.outcome"));
        var chat = Single(spans, "verity.chat");
        Assert.Equal(server.SpanId, chat.ParentSpanId);
        var retrieve = Single(spans, "verity.retrieve");
        Assert.True(IsUnder(retrieve, chat, spans), "retrieval is a stage of the chat");
        Assert.Contains(spans, s => s.OperationName.StartsWith("verity.search.", StringComparison.Ordinal) && IsUnder(s, retrieve, spans));
        var generate = Single(spans, "verity.generate");
        Assert.True(IsUnder(generate, chat, spans), "generation is a stage of the chat");

        // The model call is an HTTP client span inside generation, to the fake model's completions path.
        var modelCall = Assert.Single(spans, s => s.Kind == ActivityKind.Client
            && (s.GetTagItem("url.full") as string)?.Contains(FakeOpenAiServer.ChatPath, StringComparison.Ordinal) == true);
        Assert.True(IsUnder(modelCall, generate, spans), "the model call belongs to generation");
        Assert.Equal(200, modelCall.GetTagItem("http.response.status_code"));
        Assert.Equal(1, host.Model.CountRequests(FakeOpenAiServer.ChatPath));

        AssertNoSecretOrText(spans);
    }

    [Fact]
    public async Task Problem_BadRequest_CarriesTheSameTraceIdAsTheHeaderAndTheServerSpan()
    {
        using var response = await host.Client.PostAsJsonAsync("/v1/chat", new { question = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var header = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        var body = await response.ReadJsonAsync();
        Assert.Equal(header, body.GetProperty("trace_id").GetString());
        Assert.False(body.TryGetProperty("traceId", out _), "one trace id field, not two");
        var spans = await host.Spans.TraceAsync(header, s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /v1/chat");
        Assert.Equal(400, Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /v1/chat").GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task Request_WithCallersTraceparent_ContinuesTheCallersTrace()
    {
        var callerTrace = ActivityTraceId.CreateRandom().ToHexString();
        var callerSpan = ActivitySpanId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/search") { Content = JsonContent.Create(new { query = "coffee" }) };
        request.Headers.Add("traceparent", $"00-{callerTrace}-{callerSpan}-01");
        // A client that sends the header as given: this process listens to HttpClient activities, and the default
        // handler would replace the header with one of its own client span.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = host.Client.BaseAddress };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(callerTrace, Assert.Single(response.Headers.GetValues("X-Trace-Id")));
        var spans = await host.Spans.TraceAsync(callerTrace, s => s.Kind == ActivityKind.Server);
        Assert.Equal(callerSpan, Assert.Single(spans, s => s.Kind == ActivityKind.Server).ParentSpanId.ToHexString());
    }

    [Fact]
    public async Task Probes_AreAnsweredWithATraceIdButNotTraced()
    {
        using var response = await host.Client.GetAsync("/healthz");

        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        await Task.Delay(100);
        Assert.DoesNotContain(host.Spans.Of(traceId), s => s.Kind == ActivityKind.Server);
    }

    private static Activity Single(IReadOnlyList<Activity> spans, string name) =>
        Assert.Single(spans, s => s.OperationName == name && s.Source.Name == "Verity");

    private static bool IsUnder(Activity span, Activity ancestor, IReadOnlyList<Activity> spans)
    {
        for (var parent = span.ParentSpanId; parent != default;)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }

            parent = spans.FirstOrDefault(s => s.SpanId == parent)?.ParentSpanId ?? default;
        }

        return false;
    }

    private static void AssertNoSecretOrText(IReadOnlyList<Activity> spans)
    {
        var vpn = TestDocuments.All.Single(d => d.Id == "kb/vpn").Text;
        string[] forbidden = [Question, "Pangolin", "restart the network adapter", TelemetryHost.ModelApiKey, "sk-"];
        foreach (var span in spans)
        {
            foreach (var (key, value) in span.TagObjects)
            {
                var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
                Assert.All(forbidden, f => Assert.False(text.Contains(f, StringComparison.OrdinalIgnoreCase), $"{span.OperationName} tag {key} = {text}"));
                Assert.False(text.Length > 40 && vpn.Contains(text, StringComparison.Ordinal), $"{span.OperationName} tag {key} quotes a document");
            }
        }
    }
}
