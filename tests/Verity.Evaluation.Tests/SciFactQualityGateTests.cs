using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Verity.Core;
using Verity.Core.Generation;
using Verity.Core.Ingestion;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Evaluation.Beir;
using Verity.Evaluation.Reports;
using Verity.Server.Infrastructure;
using Xunit.Abstractions;

namespace Verity.Evaluation.Tests;

/// <summary>
/// The CI quality gate: every retrieval mode, composed exactly as the server composes it, is evaluated on all 300
/// SciFact test queries and must stay within the tolerance of the committed baseline (eval/baselines/scifact.json).
/// </summary>
public sealed class SciFactQualityGateTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "verity-gate", Guid.NewGuid().ToString("N"));

    [DatasetFact("scifact")]
    public async Task Evaluate_SciFact_NdcgAt10StaysAtTheBaseline()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [DataDirectory.ConfigurationKey] = _data })
            .Build();
        await using var services = new ServiceCollection().AddLogging().AddVerityServices(configuration).BuildServiceProvider();
        await services.InitializeIndexAsync(CancellationToken.None);
        var runner = new EvaluationRunner(
            services.GetRequiredService<IIndexStore>(),
            services.GetRequiredService<IngestionService>(),
            services.GetRequiredService<Retriever>(),
            services.GetRequiredService<IAnswerGenerator>());
        var dataset = BeirDataset.Load(SharedDatasets.PathOf("scifact"));

        var report = await runner.RunAsync(
            dataset,
            new EvaluationOptions { Modes = [SearchMode.Lexical, SearchMode.Dense, SearchMode.Hybrid], Peers = false, Answers = false },
            new Progress(output),
            CancellationToken.None);

        foreach (var run in report.Runs)
        {
            output.WriteLine(FormattableString.Invariant(
                $"{run.Name}: nDCG@10 {run.NdcgAt10:0.0000}, Recall@100 {run.RecallAt100:0.0000}, MRR@10 {run.MrrAt10:0.0000}, p50 {run.LatencyMs.P50:0.00} ms"));
        }

        Assert.Equal(300, report.Queries);
        Assert.Equal(5183, report.Index.Documents);
        var failures = BaselineGate.Check(report, Baseline.Load(Path.Combine(SharedDatasets.RepositoryRoot, "eval", "baselines", "scifact.json")));
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private sealed class Progress(ITestOutputHelper output) : IProgress<string>
    {
        public void Report(string value) => output.WriteLine(value);
    }
}
