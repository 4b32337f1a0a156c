using System.Runtime.CompilerServices;
using Verity.Evaluation.Reports;

namespace Verity.Evaluation.Tests;

public sealed class BaselineGateTests : IDisposable
{
    private readonly EvalTempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Baseline Floor(string dataset, double tolerance, params (string Run, double Ndcg)[] floors) =>
        new(dataset, tolerance, floors.ToDictionary(f => f.Run, f => f.Ndcg, StringComparer.Ordinal));

    [Fact]
    public void Check_AllRunsAtOrAboveBaseline_Passes()
    {
        var failures = BaselineGate.Check(SampleReports.Full(), Floor("scifact", 0.01, ("lexical", 0.69), ("hybrid", 0.72)));

        Assert.Empty(failures);
    }

    [Fact]
    public void Check_RunBelowBaselineWithinTolerance_Passes()
    {
        // lexical measured 0.700; floor 0.705 - tolerance 0.01 = 0.695 ≤ 0.700.
        var failures = BaselineGate.Check(SampleReports.Full(), Floor("scifact", 0.01, ("lexical", 0.705)));

        Assert.Empty(failures);
    }

    [Fact]
    public void Check_RunBelowTolerance_FailsNamingRunAndNumbers()
    {
        // lexical measured 0.700; floor 0.750 - 0.01 = 0.740 > 0.700 → fails, short by 0.050.
        var failures = BaselineGate.Check(SampleReports.Full(), Floor("scifact", 0.01, ("lexical", 0.75), ("hybrid", 0.70)));

        var failure = Assert.Single(failures);
        Assert.Equal("lexical: nDCG@10 0.7000 is below the baseline 0.7500 by 0.0500 (tolerance 0.0100).", failure);
    }

    [Fact]
    public void Check_SeveralRunsBelow_ReportsEachOne()
    {
        var failures = BaselineGate.Check(SampleReports.Full(), Floor("scifact", 0, ("lexical", 0.8), ("dense", 0.9), ("hybrid", 0.5)));

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("lexical:", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("dense:", failures[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RunMissingFromReport_Fails()
    {
        var report = SampleReports.Report("scifact", SampleReports.Run("lexical", "verity", 0.7));

        var failures = BaselineGate.Check(report, Floor("scifact", 0.01, ("lexical", 0.69), ("hybrid", 0.7)));

        var failure = Assert.Single(failures);
        Assert.Contains("hybrid", failure, StringComparison.Ordinal);
        Assert.Contains("not in this evaluation", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DatasetMismatch_FailsWithoutCheckingRuns()
    {
        var failures = BaselineGate.Check(SampleReports.Full("nfcorpus"), Floor("scifact", 0.01, ("lexical", 0.99)));

        var failure = Assert.Single(failures);
        Assert.Contains("'scifact'", failure, StringComparison.Ordinal);
        Assert.Contains("'nfcorpus'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DatasetNameDiffersOnlyInCase_IsTheSameDataset()
    {
        Assert.Empty(BaselineGate.Check(SampleReports.Full("SciFact"), Floor("scifact", 0.01, ("lexical", 0.69))));
    }

    [Fact]
    public void BaselineFile_SnakeCaseJson_ReadsAllFields()
    {
        var path = _temp.Combine("baseline.json");
        File.WriteAllText(path, """{"dataset":"scifact","tolerance":0.01,"ndcg_at_10":{"lexical":0.69,"hybrid":0.7}}""");

        var baseline = Baseline.Load(path);

        Assert.Equal("scifact", baseline.Dataset);
        Assert.Equal(0.01, baseline.Tolerance);
        Assert.Equal(0.69, baseline.NdcgAt10["lexical"]);
        Assert.Equal(0.7, baseline.NdcgAt10["hybrid"]);
        Assert.Equal(2, baseline.NdcgAt10.Count);
        Assert.Empty(BaselineGate.Check(SampleReports.Full(), baseline));
    }

    [Fact]
    public void BaselineFile_CommittedScifactBaseline_ParsesWithEveryMode()
    {
        var baseline = Baseline.Load(CommittedBaseline("scifact"));

        Assert.Equal("scifact", baseline.Dataset);
        Assert.InRange(baseline.Tolerance, 0.0001, 0.05);
        Assert.Equal(["dense", "hybrid", "lexical"], baseline.NdcgAt10.Keys.Order(StringComparer.Ordinal));
        Assert.All(baseline.NdcgAt10.Values, v => Assert.InRange(v, 0.0001, 1));
    }

    // Found from this source file, not the build output, so that it works with any --artifacts-path.
    private static string CommittedBaseline(string dataset, [CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", "eval", "baselines", dataset + ".json"));

    [Fact]
    public void BaselineFile_JsonNull_ThrowsFormatException()
    {
        var path = _temp.Combine("null.json");
        File.WriteAllText(path, "null");

        var error = Assert.Throws<FormatException>(() => Baseline.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
