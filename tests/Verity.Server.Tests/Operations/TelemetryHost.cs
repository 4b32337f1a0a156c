using System.Globalization;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Operations;

/// <summary>
/// Verity on a real socket over the seeded test corpus, with a <see cref="FakeOpenAiServer"/> as its chat model (so
/// model calls are real HTTP client calls), a model key and the span recorder. Nothing is retried; the circuit opens
/// after two failed calls and stays open for a minute, which the tests that open it rely on.
/// </summary>
public class TelemetryHost : IAsyncLifetime
{
    /// <summary>The model key Verity is configured with: it must never show in a span, a metric or a log.</summary>
    public const string ModelApiKey = "sk-operations-model-key-never-logged";

    public FakeOpenAiServer Model { get; private set; } = null!;

    public TelemetryFactory Factory { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    internal SpanRecorder Spans => Factory.Spans;

    public async Task InitializeAsync()
    {
        Model = await FakeOpenAiServer.StartAsync();
        var settings = Factory.Settings;
        settings["Llm:Endpoint"] = Model.BaseUrl.ToString();
        settings["Llm:Model"] = "fake-chat";
        settings["Llm:ApiKey"] = ModelApiKey;
        settings["Llm:Timeout"] = Seconds(2);
        settings["Llm:MaxRetries"] = "0";
        settings["Llm:FailureRatio"] = "0.5";
        settings["Llm:MinimumThroughput"] = "2";
        settings["Llm:SamplingDuration"] = Seconds(30);
        settings["Llm:BreakDuration"] = Seconds(60);
        Configure(settings);

        Factory.UseKestrel(0);
        Factory.StartServer();
        Client = Factory.CreateClient();
        Client.Timeout = TimeSpan.FromSeconds(30);
        await TestDocuments.SeedAsync(Client);
        Model.ClearRequests();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        Factory.Dispose();
        await Model.DisposeAsync();
    }

    /// <summary>Further settings of a test class.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    private static string Seconds(double seconds) => TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);
}
