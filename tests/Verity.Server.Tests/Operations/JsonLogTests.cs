using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Verity.Server.Tests.ScaleOut;
using Verity.Storage.Conformance.Servers;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Operations;

/// <summary>
/// <c>verity serve</c> as operators run it, with a JWT signing key and a model key configured: every log line is one
/// JSON object with a UTC timestamp, the lines written during a request carry its trace id, and no line at any level
/// holds a key or a token, nor (at Information and above) the question or the documents.
/// </summary>
public sealed class JsonLogTests : IAsyncLifetime
{
    private const string Question = "Which error does the Pangolin client show before a restart?";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "verity-jsonlog-tests", Guid.NewGuid().ToString("N"));
    private FakeOpenAiServer _model = null!;

    public async Task InitializeAsync() => _model = await FakeOpenAiServer.StartAsync();

    [Fact]
    public async Task Serve_RequestsWithAFailingModel_LogJsonLinesWithTraceIdsAndNoSecret()
    {
        var url = $"http://127.0.0.1:{ExternalProcess.FreePort()}";
        var editor = TestTokens.Create(user: "olga", roles: ["editor"]);
        await using var server = VerityInstance.Start("jsonlog", new Dictionary<string, string>
        {
            ["Auth__SigningKey"] = TestTokens.SigningKey,
            ["Llm__Endpoint"] = _model.BaseUrl.ToString(),
            ["Llm__Model"] = "fake-chat",
            ["Llm__ApiKey"] = TelemetryHost.ModelApiKey,
            ["Llm__MaxRetries"] = "0",
            // Everything of Verity's own, down to Debug, is checked for secrets.
            ["Logging__LogLevel__Default"] = "Debug",
        }, "serve", "--urls", url, "--data", _data);
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        await WaitUntilReadyAsync(server, client);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", editor);
        await TestDocuments.SeedAsync(client);

        // The model fails: Verity logs a warning inside the request and answers extractively.
        _model.Chat = _ => FakeReply.Error(503);
        using var response = await client.PostAsJsonAsync("/v1/chat", new { question = Question });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        server.Kill();

        var lines = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line =>
        {
            Assert.EndsWith("Z", line.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
            Assert.NotEmpty(line.GetProperty("Category").GetString()!);
            Assert.NotEmpty(line.GetProperty("LogLevel").GetString()!);
        });
        var duringChat = lines.Where(l => TraceIdOf(l) == traceId).ToList();
        Assert.True(duringChat.Count > 0, "no log line carries the chat's trace id:\n" + server.Output);
        Assert.Contains(duringChat, l => l.GetProperty("LogLevel").GetString() == "Warning"
            && l.GetProperty("Category").GetString()!.StartsWith("Verity.", StringComparison.Ordinal));

        string[] secrets = [TestTokens.SigningKey, TelemetryHost.ModelApiKey, editor, editor.Split('.')[2]];
        Assert.All(secrets, s => Assert.DoesNotContain(s, server.Output, StringComparison.Ordinal));
        var text = TestDocuments.All.Single(d => d.Id == "kb/vpn").Text;
        foreach (var line in lines.Where(l => l.GetProperty("LogLevel").GetString() is not ("Trace" or "Debug")))
        {
            var raw = line.GetRawText();
            Assert.DoesNotContain(Question, raw, StringComparison.Ordinal);
            Assert.DoesNotContain("restart the network adapter", raw, StringComparison.Ordinal);
            Assert.DoesNotContain(text.Trim()[..40], raw, StringComparison.Ordinal);
        }
    }

    public async Task DisposeAsync()
    {
        await _model.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string? TraceIdOf(JsonElement line) =>
        line.TryGetProperty("Scopes", out var scopes)
            ? scopes.EnumerateArray().Select(s => s.TryGetProperty("TraceId", out var id) ? id.GetString() : null).FirstOrDefault(id => id is not null)
            : null;

    private static async Task WaitUntilReadyAsync(VerityInstance server, HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(server.Process.HasExited, "verity serve exited:\n" + server.Output);
            try
            {
                using var response = await client.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "verity serve was not ready within 60 s:\n" + server.Output);
            await Task.Delay(50);
        }
    }
}
