using System.Globalization;
using System.Net;
using Verity.Core.Text;
using Verity.Testing.OpenAi;

namespace Verity.Benchmarks.Chat;

/// <summary>What a scripted model endpoint does with every chat request.</summary>
internal enum ModelBehaviour
{
    /// <summary>Waits the scripted latency, then streams a grounded, cited answer in chunks.</summary>
    Healthy,

    /// <summary>Answers HTTP 503 at once, every time.</summary>
    Unavailable,

    /// <summary>Accepts the request and never answers.</summary>
    Hangs,
}

/// <summary>
/// Two OpenAI-protocol servers on 127.0.0.1 (the tests' <see cref="FakeOpenAiServer"/>) standing in for the primary
/// and the fallback model. A healthy one answers like a dutiful model: up to three sentences of the first source in
/// the prompt, each cited, after <see cref="ChatOptions.ModelLatency"/>, in <see cref="ChatOptions.Chunks"/> chunks.
/// </summary>
internal sealed class FakeModels : IAsyncDisposable
{
    public const string PrimaryModel = "fake-primary";
    public const string FallbackModel = "fake-fallback";
    private const int MaxSentences = 3;
    private const int MaxSentenceLength = 200;

    private readonly ChatOptions _options;

    private FakeModels(FakeOpenAiServer primary, FakeOpenAiServer fallback, ChatOptions options)
    {
        Primary = primary;
        Fallback = fallback;
        _options = options;
    }

    public FakeOpenAiServer Primary { get; }

    public FakeOpenAiServer Fallback { get; }

    public int PrimaryRequests => Primary.CountRequests(FakeOpenAiServer.ChatPath);

    public int FallbackRequests => Fallback.CountRequests(FakeOpenAiServer.ChatPath);

    public static async Task<FakeModels> StartAsync(ChatOptions options, CancellationToken cancellationToken)
    {
        var primary = await FakeOpenAiServer.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fallback = await FakeOpenAiServer.StartAsync(cancellationToken).ConfigureAwait(false);
            return new FakeModels(primary, fallback, options);
        }
        catch
        {
            await primary.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Scripts both servers and forgets the requests they received so far.</summary>
    public void Script(ModelBehaviour primary, ModelBehaviour fallback)
    {
        Primary.Reset();
        Fallback.Reset();
        Primary.Chat = Responder(primary);
        Fallback.Chat = Responder(fallback);
    }

    /// <summary><c>Llm:*</c> settings naming both servers, primary then fallback, with the benchmark's timeout, circuit
    /// break and (when given) retries; every other resilience setting keeps its default. <paramref name="more"/> is
    /// added as is.</summary>
    public Dictionary<string, string?> Configuration(params (string Key, string Value)[] more)
    {
        var settings = more.ToDictionary(pair => pair.Key, pair => (string?)pair.Value);
        Endpoint(settings, "Llm", Primary.BaseUrl, PrimaryModel);
        Endpoint(settings, "Llm:Fallbacks:0", Fallback.BaseUrl, FallbackModel);
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        await Primary.DisposeAsync().ConfigureAwait(false);
        await Fallback.DisposeAsync().ConfigureAwait(false);
    }

    private void Endpoint(Dictionary<string, string?> settings, string section, Uri baseUrl, string model)
    {
        settings[$"{section}:Endpoint"] = baseUrl.ToString();
        settings[$"{section}:Model"] = model;
        settings[$"{section}:Timeout"] = _options.Timeout.ToString("c", CultureInfo.InvariantCulture);
        settings[$"{section}:BreakDuration"] = _options.BreakDuration.ToString("c", CultureInfo.InvariantCulture);
        if (_options.MaxRetries is { } retries)
        {
            settings[$"{section}:MaxRetries"] = retries.ToString(CultureInfo.InvariantCulture);
        }
    }

    private Func<FakeRequest, FakeReply> Responder(ModelBehaviour behaviour) => behaviour switch
    {
        ModelBehaviour.Healthy => request => FakeReply.Answer(Answer(request))
            .Streamed(_options.Chunks, _options.ChunkDelay)
            .WithDelay(_options.ModelLatency),
        ModelBehaviour.Unavailable => _ => FakeReply.Error(503),
        ModelBehaviour.Hangs => _ => FakeReply.Hang(),
        _ => throw new ArgumentOutOfRangeException(nameof(behaviour)),
    };

    /// <summary>The first sentences of the first numbered source in the prompt, each with its citation before the
    /// full stop — several sentences, so that a streamed answer has a first sentence to show before the last.</summary>
    private static string Answer(FakeRequest request)
    {
        foreach (var message in request.Messages.Reverse())
        {
            if (FakePrompt.FirstSource(message.Content) is not { } source)
            {
                continue;
            }

            var sentences = Sentences.Split(WebUtility.HtmlDecode(source.Text))
                .Select(s => s.Length <= MaxSentenceLength ? s : s[..MaxSentenceLength].TrimEnd())
                .Take(MaxSentences)
                .Select(s => s[^1] is '.' or '!' or '?' ? $"{s[..^1]} [{source.Number}]{s[^1]}" : $"{s} [{source.Number}].");
            var answer = string.Join(' ', sentences);
            return answer.Length > 0 ? answer : FakePrompt.NoSourceAnswer;
        }

        return FakePrompt.NoSourceAnswer;
    }
}
