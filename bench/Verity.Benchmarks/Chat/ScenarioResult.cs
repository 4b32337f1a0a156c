using Verity.Benchmarks.Scale;

namespace Verity.Benchmarks.Chat;

/// <summary>One scenario's figures, summed over its requests, with the requests themselves.</summary>
/// <param name="Phases">The requests grouped by the primary model's circuit when they started (closed, open,
/// half-open), in order of first appearance; empty without models.</param>
internal sealed record ScenarioResult(
    int Number,
    string Name,
    string Models,
    int Requests,
    Latency Latency,
    Latency? FirstToken,
    int CacheHits,
    int PrimaryRequests,
    int FallbackRequests,
    IReadOnlyDictionary<string, int> AnsweredBy,
    int Degraded,
    int Grounded,
    int Retracted,
    IReadOnlyList<PhaseResult> Phases,
    double Seconds,
    IReadOnlyList<RequestRecord> Records)
{
    public double HitRatio => (double)CacheHits / Requests;

    public static ScenarioResult From(int number, string name, string models, IReadOnlyList<RequestRecord> records, double seconds)
    {
        var firstTokens = records.Where(r => r.FirstTokenMs is not null).Select(r => r.FirstTokenMs!.Value).ToArray();
        var phases = records.All(r => r.PrimaryCircuit == "none")
            ? []
            : records.GroupBy(r => r.PrimaryCircuit).Select(PhaseResult.From).ToList();
        return new ScenarioResult(
            number,
            name,
            models,
            records.Count,
            Latency.Of([.. records.Select(r => r.LatencyMs)]),
            firstTokens.Length > 0 ? Latency.Of(firstTokens) : null,
            records.Count(r => r.Cached),
            records.Sum(r => r.PrimaryRequests),
            records.Sum(r => r.FallbackRequests),
            CountByGenerator(records),
            records.Count(r => r.Degraded),
            records.Count(r => r.Grounded),
            records.Count(r => r.Retracted),
            phases,
            seconds,
            records);
    }

    /// <summary>Requests per generator that wrote the answer, most first.</summary>
    public static IReadOnlyDictionary<string, int> CountByGenerator(IEnumerable<RequestRecord> records) =>
        records.GroupBy(r => r.Generator)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}

/// <summary>The requests of a scenario that started while the primary's circuit was in one state.</summary>
internal sealed record PhaseResult(
    string PrimaryCircuit, int Requests, Latency Latency, int PrimaryRequests, int FallbackRequests, IReadOnlyDictionary<string, int> AnsweredBy)
{
    public static PhaseResult From(IGrouping<string, RequestRecord> group) => new(
        group.Key,
        group.Count(),
        Latency.Of([.. group.Select(r => r.LatencyMs)]),
        group.Sum(r => r.PrimaryRequests),
        group.Sum(r => r.FallbackRequests),
        ScenarioResult.CountByGenerator(group));
}
