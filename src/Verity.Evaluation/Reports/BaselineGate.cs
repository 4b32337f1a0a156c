using System.Text.Json;

namespace Verity.Evaluation.Reports;

/// <summary>The committed quality floor: nDCG@10 per run on one dataset, and how far a run may fall below it.</summary>
public sealed record Baseline(
    string Dataset,
    double Tolerance,
    [property: System.Text.Json.Serialization.JsonPropertyName("ndcg_at_10")] IReadOnlyDictionary<string, double> NdcgAt10)
{
    public static Baseline Load(string path)
    {
        var baseline = JsonSerializer.Deserialize<Baseline>(File.ReadAllText(path), ReportWriter.Json);
        return baseline is { Dataset: not null, NdcgAt10: not null } && baseline.Tolerance >= 0
            ? baseline
            : throw new FormatException($"{path} is not a baseline file: it needs \"dataset\", \"tolerance\" (>= 0) and \"ndcg_at_10\".");
    }
}

public static class BaselineGate
{
    /// <summary>One message per run whose nDCG@10 fell below its baseline by more than the tolerance, or that the
    /// report lacks; empty when the gate passes.</summary>
    public static IReadOnlyList<string> Check(EvaluationReport report, Baseline baseline)
    {
        var failures = new List<string>();
        if (!string.Equals(report.Dataset, baseline.Dataset, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"The baseline is for '{baseline.Dataset}', the report for '{report.Dataset}'.");
            return failures;
        }

        foreach (var (name, floor) in baseline.NdcgAt10)
        {
            var run = report.Runs.FirstOrDefault(r => r.Name == name);
            if (run is null)
            {
                failures.Add($"{name}: not in this evaluation, but the baseline expects it.");
            }
            else if (run.NdcgAt10 < floor - baseline.Tolerance)
            {
                failures.Add(FormattableString.Invariant(
                    $"{name}: nDCG@10 {run.NdcgAt10:0.0000} is below the baseline {floor:0.0000} by {floor - run.NdcgAt10:0.0000} (tolerance {baseline.Tolerance:0.0000})."));
            }
        }

        return failures;
    }
}
