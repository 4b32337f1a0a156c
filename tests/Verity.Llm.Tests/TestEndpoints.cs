using Verity.Testing.OpenAi;

namespace Verity.Llm.Tests;

/// <summary>Endpoint settings fast enough for tests: short timeouts, millisecond retry delays. The break is long
/// enough that a busy machine cannot see an open circuit half-open by accident; tests step over it with
/// <see cref="ShiftableClock"/>.</summary>
internal static class TestEndpoints
{
    public const string Key = "sk-test-0123456789abcdefSECRET";

    public static ModelEndpointOptions Chat(FakeOpenAiServer server, string name = "primary") => new()
    {
        Name = name,
        Endpoint = server.BaseUrl.ToString(),
        Model = "fake-chat",
        ApiKey = Key,
        Timeout = TimeSpan.FromSeconds(5),
        StreamIdleTimeout = TimeSpan.FromSeconds(5),
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        MinimumThroughput = 4,
        SamplingDuration = TimeSpan.FromSeconds(30),
        BreakDuration = TimeSpan.FromSeconds(5),
    };

    public static EmbeddingEndpointOptions Embeddings(FakeOpenAiServer server, int dimensions = 32) => new()
    {
        Endpoint = server.BaseUrl.ToString(),
        Model = "fake-embedding",
        ApiKey = Key,
        Dimensions = dimensions,
        Timeout = TimeSpan.FromSeconds(5),
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        BreakDuration = TimeSpan.FromSeconds(5),
    };
}

/// <summary>A clock that can be moved forward (its timers stay real): lets a test step over a circuit's break
/// without sleeping through it.</summary>
public sealed class ShiftableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
