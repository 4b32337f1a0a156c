using System.Diagnostics;
using Microsoft.Extensions.AI;
using Verity.Benchmarks.Scale;
using Verity.Llm;

namespace Verity.Benchmarks.Chat;

/// <summary>The scripted model called directly through the plain OpenAI-compatible client (no retrieval, no
/// resilience, no citation check): what its script costs on this machine, timers and HTTP included, so that Verity's
/// share of a scenario's latency is the difference.</summary>
internal sealed record ModelCalibration(int Calls, Latency Latency, Latency FirstToken)
{
    private const string Prompt = """
        <source id="1" title="Calibration">The office opens at eight. Visitors sign in at the front desk. Badges are returned on leaving.</source>

        Question: When does the office open?
        """;

    public static async Task<ModelCalibration> RunAsync(FakeModels models, int calls, CancellationToken cancellationToken)
    {
        models.Script(ModelBehaviour.Healthy, ModelBehaviour.Healthy);
        var options = new ModelEndpointOptions { Name = "calibration", Endpoint = models.Primary.BaseUrl.ToString(), Model = FakeModels.PrimaryModel };
        using var client = OpenAiCompatibleClients.CreateChatClient(options);
        ChatMessage[] messages = [new(ChatRole.User, Prompt)];
        var totals = new double[calls];
        var firstTokens = new double[calls];
        // One untimed call first: the client's first request opens the connection.
        for (var i = -1; i < calls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            double? firstToken = null;
            await foreach (var update in client.GetStreamingResponseAsync(messages, null, cancellationToken).ConfigureAwait(false))
            {
                if (firstToken is null && update.Text.Length > 0)
                {
                    firstToken = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }

            if (i >= 0)
            {
                totals[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                firstTokens[i] = firstToken ?? totals[i];
            }
        }

        return new ModelCalibration(calls, Latency.Of(totals), Latency.Of(firstTokens));
    }
}
