using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Operations;

/// <summary>Readiness follows what can still be served: with a model endpoint down, answers keep flowing
/// (extractively), so the process stays ready but says it is degraded and which endpoint is at fault.</summary>
[Collection(SerialMetrics.Name)]
public sealed class ReadinessTests(ReadinessTests.NamedModel host) : IClassFixture<ReadinessTests.NamedModel>
{
    [Fact]
    public async Task Readyz_ModelCircuitOpens_StaysReadyButDegradedNamingTheEndpoint()
    {
        var ready = await ReadyzAsync(HttpStatusCode.OK);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        AssertCheck(ready, "store", "ok");
        AssertCheck(ready, "queue", "ok");
        AssertCheck(ready, "model:" + host.EndpointName, "ok");

        // Two failed calls open the circuit; the questions are still answered, extractively.
        host.Model.Chat = _ => FakeReply.Error(503);
        foreach (var question in new[] { "Where is the VPN gateway?", "When do rotations change?" })
        {
            var answer = await host.Client.PostAsJsonAsync("/v1/chat", new { question });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("extractive", (await answer.ReadJsonAsync()).GetProperty("generator").GetString());
        }

        var degraded = await ReadyzAsync(HttpStatusCode.OK);
        Assert.Equal("degraded", degraded.GetProperty("status").GetString());
        AssertCheck(degraded, "store", "ok");
        var model = AssertCheck(degraded, "model:" + host.EndpointName, "degraded");
        Assert.Contains("circuit open", model.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("HTTP 503", model.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/healthz")).StatusCode);

        var circuit = (await PrometheusText.ScrapeAsync(host.Client)).Named("rag_model_circuit_open");
        Assert.Equal(1, Assert.Single(circuit, s => s.Label("endpoint") == host.EndpointName).Value);
    }

    [Fact]
    public async Task Readyz_Body_NamesNoUrlKeyOrTenantData()
    {
        using var response = await host.Client.GetAsync("/readyz");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.DoesNotContain(host.Model.BaseUrl.Authority, text, StringComparison.Ordinal);
        Assert.DoesNotContain(TelemetryHost.ModelApiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("kb/", text, StringComparison.Ordinal);
        Assert.All(JsonDocument.Parse(text).RootElement.GetProperty("checks").EnumerateArray(), c =>
            Assert.True(c.GetProperty("duration_ms").GetDouble() >= 0));
    }

    private async Task<JsonElement> ReadyzAsync(HttpStatusCode expected)
    {
        using var response = await host.Client.GetAsync("/readyz");
        var body = await response.ReadJsonAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    private static JsonElement AssertCheck(JsonElement report, string name, string status)
    {
        var check = Assert.Single(report.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == name);
        Assert.True(status == check.GetProperty("status").GetString(), check.ToString());
        return check;
    }

    /// <summary>A model endpoint with a name of its own: the circuit gauge is read by name, and servers of other tests
    /// in this process report theirs under "primary".</summary>
    public sealed class NamedModel : TelemetryHost
    {
        public string EndpointName { get; } = "ops-" + Guid.NewGuid().ToString("N")[..8];

        protected override void Configure(Dictionary<string, string?> settings) => settings["Llm:Name"] = EndpointName;
    }
}
