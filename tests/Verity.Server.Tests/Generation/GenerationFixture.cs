using System.Globalization;
using System.Net.Http.Headers;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Generation;

/// <summary>
/// Verity on a real socket whose chat model is a <see cref="FakeOpenAiServer"/> on 127.0.0.1, over the seeded
/// test corpus. Timeouts are short and nothing is retried, so a failure costs milliseconds; the circuit breaker only
/// opens when a test class configures it to (<see cref="Configure"/>).
/// </summary>
public class GenerationFixture : IAsyncLifetime
{
    public const string ChatModel = "fake-chat";

    /// <summary>The model key Verity is configured with: it must never show in a response.</summary>
    public const string ModelApiKey = "sk-fake-model-key-do-not-leak";

    private readonly List<HttpClient> _clients = [];

    public FakeOpenAiServer Model { get; private set; } = null!;

    public VerityServerFactory Factory { get; private set; } = null!;

    /// <summary>Verity's address, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Model = await FakeOpenAiServer.StartAsync();
        Factory = CreateFactory();
        var settings = Factory.Settings;
        settings["Llm:Endpoint"] = Model.BaseUrl.ToString();
        settings["Llm:Model"] = ChatModel;
        settings["Llm:ApiKey"] = ModelApiKey;
        settings["Llm:Timeout"] = Seconds(2);
        settings["Llm:MaxRetries"] = "0";
        settings["Llm:RetryBaseDelay"] = Seconds(0.01);
        settings["Llm:FailureRatio"] = "0.5";
        settings["Llm:MinimumThroughput"] = "1000";
        settings["Llm:SamplingDuration"] = Seconds(30);
        settings["Llm:BreakDuration"] = Seconds(0.5);
        Configure(settings);

        Factory.UseKestrel(0);
        Factory.StartServer();
        Client = CreateClient();
        BaseAddress = Client.BaseAddress!;
        await SeedAsync();
        Model.ClearRequests();
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        Factory.Dispose();
        await Model.DisposeAsync();
    }

    /// <summary>A client of the real socket (disposed with the fixture), optionally with a bearer token.</summary>
    public HttpClient CreateClient(string? bearer = null)
    {
        var client = Factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        _clients.Add(client);
        return client;
    }

    /// <summary>Chat requests the fake model received since the last <see cref="FakeOpenAiServer.ClearRequests"/>.</summary>
    public IReadOnlyList<FakeRequest> ChatRequests =>
        [.. Model.Requests.Where(r => r.Path == FakeOpenAiServer.ChatPath)];

    public static string Seconds(double seconds) => TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);

    /// <summary>Further settings of a test class (fallbacks, circuit, embeddings, authentication).</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    protected virtual VerityServerFactory CreateFactory() => new();

    protected virtual Task SeedAsync() => TestDocuments.SeedAsync(Client);
}
