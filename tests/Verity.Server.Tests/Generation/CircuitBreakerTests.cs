using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Verity.Testing.OpenAi;

namespace Verity.Server.Tests.Generation;

/// <summary>The primary model's circuit breaker seen from outside: a failing model stops receiving requests while
/// answers keep coming, and after the break it is tried again and answers once healthy.</summary>
public sealed class CircuitBreakerTests(CircuitBreakerTests.Breaking fixture) : IClassFixture<CircuitBreakerTests.Breaking>
{
    private static readonly string[] Questions =
    [
        "Which error does the Pangolin client show?",
        "Where is the VPN gateway?",
        "When do VPN sessions expire?",
        "Within how many days are receipts submitted?",
        "How much are meals reimbursed per day?",
        "When are taxi rides reimbursed?",
        "How soon is a page acknowledged?",
        "When do rotations change?",
        "How many coffee machines are in the kitchen?",
    ];

    [Fact]
    public async Task Circuit_ModelKeepsFailing_OpensThenClosesAfterTheBreakOnceTheModelIsHealthy()
    {
        fixture.Model.Chat = _ => FakeReply.Error(503);
        var answers = new List<JsonElement>();
        var attempts = new List<int>();
        foreach (var question in Questions[..6])
        {
            answers.Add(await AskAsync(question));
            attempts.Add(fixture.ChatRequests.Count);
        }

        // Two failures in the window open the circuit: later questions never reach the model, yet all are answered.
        Assert.Equal(Breaking.MinimumThroughput, attempts[^1]);
        Assert.Equal(attempts[Breaking.MinimumThroughput - 1], attempts[^1]);
        Assert.All(answers, a => Assert.Equal("extractive", a.GetProperty("generator").GetString()));
        Assert.All(answers, a => Assert.True(a.GetProperty("degraded").GetBoolean()));
        Assert.All(answers, a => Assert.True(a.GetProperty("grounded").GetBoolean()));

        // Healthy again, but the circuit is still open: the model is not asked yet.
        fixture.Model.Chat = null;
        var stillOpen = await AskAsync(Questions[6]);
        Assert.Equal("extractive", stillOpen.GetProperty("generator").GetString());
        Assert.Equal(attempts[^1], fixture.ChatRequests.Count);

        await Task.Delay(Breaking.BreakDuration + TimeSpan.FromMilliseconds(150));
        var probe = await AskAsync(Questions[7]);
        var closed = await AskAsync(Questions[8]);

        Assert.Equal(attempts[^1] + 2, fixture.ChatRequests.Count);
        Assert.Equal("primary", probe.GetProperty("generator").GetString());
        Assert.False(probe.GetProperty("degraded").GetBoolean());
        Assert.Equal("primary", closed.GetProperty("generator").GetString());
    }

    private async Task<JsonElement> AskAsync(string question)
    {
        var response = await fixture.Client.PostAsJsonAsync("/v1/chat", new { question });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>A circuit that opens after two failed calls and stays open for <see cref="BreakDuration"/>.</summary>
    public sealed class Breaking : GenerationFixture
    {
        public const int MinimumThroughput = 2;

        public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(0.8);

        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings["Llm:MinimumThroughput"] = MinimumThroughput.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Llm:FailureRatio"] = "0.5";
            settings["Llm:SamplingDuration"] = Seconds(30);
            settings["Llm:BreakDuration"] = Seconds(BreakDuration.TotalSeconds);
        }
    }
}
