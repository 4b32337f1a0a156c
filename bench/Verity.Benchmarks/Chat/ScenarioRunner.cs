using System.Diagnostics;
using Verity.Core.Chat;
using Verity.Core.Model;
using Verity.Core.Security;

namespace Verity.Benchmarks.Chat;

/// <summary>What one question cost and how it was answered.</summary>
/// <param name="FirstTokenMs">From the call to <see cref="ChatService.StreamAsync"/> to its first
/// <see cref="ChatDelta"/>; null when the answer was empty.</param>
/// <param name="PrimaryCircuit">The primary model's circuit when the question was asked.</param>
/// <param name="PrimaryRequests">Requests the primary model's server received while it was answered (retries
/// included).</param>
internal sealed record RequestRecord(
    int Index,
    double LatencyMs,
    double? FirstTokenMs,
    bool Cached,
    string Generator,
    bool Degraded,
    bool Grounded,
    bool Retracted,
    string PrimaryCircuit,
    string FallbackCircuit,
    int PrimaryRequests,
    int FallbackRequests);

/// <summary>Asks the questions one at a time through <see cref="ChatService.StreamAsync"/>, as the anonymous caller
/// of <c>verity demo</c> (only public documents), and times each.</summary>
internal static class ScenarioRunner
{
    private const string Primary = "primary";
    private const string Fallback = "fallback-1";
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    /// <param name="interval">Least time between two request starts (zero: back to back).</param>
    public static async Task<IReadOnlyList<RequestRecord>> RunAsync(
        ChatPipeline pipeline, FakeModels models, IReadOnlyList<string> questions, TimeSpan interval, CancellationToken cancellationToken)
    {
        var records = new List<RequestRecord>(questions.Count);
        var started = Stopwatch.GetTimestamp();
        var lastPrinted = started;
        string? previousCircuit = null;
        for (var i = 0; i < questions.Count; i++)
        {
            var requestStarted = Stopwatch.GetTimestamp();
            var primaryCircuit = pipeline.CircuitOf(Primary);
            var fallbackCircuit = pipeline.CircuitOf(Fallback);
            if (previousCircuit is not null && primaryCircuit != previousCircuit)
            {
                Console.WriteLine(
                    $"   {Stopwatch.GetElapsedTime(started).TotalSeconds,5:0.0} s  request {i + 1}: primary circuit {primaryCircuit} (was {previousCircuit}), fallback {fallbackCircuit}");
            }

            previousCircuit = primaryCircuit;
            var (primaryBefore, fallbackBefore) = (models.PrimaryRequests, models.FallbackRequests);
            var (result, latency, firstToken, retracted) = await AskAsync(pipeline.Chat, questions[i], cancellationToken).ConfigureAwait(false);
            records.Add(new RequestRecord(
                i + 1,
                latency,
                firstToken,
                result.Cached,
                result.Generator,
                result.Degraded,
                result.Grounded,
                retracted,
                primaryCircuit,
                fallbackCircuit,
                models.PrimaryRequests - primaryBefore,
                models.FallbackRequests - fallbackBefore));

            if (Stopwatch.GetElapsedTime(lastPrinted) >= ProgressEvery || i == questions.Count - 1)
            {
                lastPrinted = Stopwatch.GetTimestamp();
                Console.WriteLine(
                    $"   {Stopwatch.GetElapsedTime(started).TotalSeconds,5:0.0} s  {i + 1,3}/{questions.Count} questions; last: {latency:0} ms by {result.Generator}" +
                    (result.Cached ? " (cached)" : "") + (result.Degraded ? " (degraded)" : ""));
            }

            var wait = interval - Stopwatch.GetElapsedTime(requestStarted);
            if (wait > TimeSpan.Zero && i < questions.Count - 1)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        return records;
    }

    private static async Task<(ChatResult Result, double LatencyMs, double? FirstTokenMs, bool Retracted)> AskAsync(
        ChatService chat, string question, CancellationToken cancellationToken)
    {
        var request = new ChatRequest
        {
            Question = question,
            TenantId = Tenants.Default,
            Principals = CallerIdentity.Anonymous.Principals,
        };
        var started = Stopwatch.GetTimestamp();
        double? firstToken = null;
        var retracted = false;
        await foreach (var update in chat.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            switch (update)
            {
                case ChatDelta when firstToken is null:
                    firstToken = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    break;
                case ChatRetracted:
                    // A retracted delta was not the answer's first token: the next generator's is.
                    (firstToken, retracted) = (null, true);
                    break;
                case ChatCompleted completed:
                    return (completed.Result, Stopwatch.GetElapsedTime(started).TotalMilliseconds, firstToken, retracted);
            }
        }

        throw new InvalidOperationException($"The answer stream for '{question}' ended without a result.");
    }
}
