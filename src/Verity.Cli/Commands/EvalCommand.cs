using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Verity.Core;
using Verity.Core.Generation;
using Verity.Core.Ingestion;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Evaluation;
using Verity.Evaluation.Beir;
using Verity.Evaluation.Reports;
using Verity.Server.Infrastructure;

namespace Verity.Cli.Commands;

internal static class EvalCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Folder of a BEIR dataset (corpus.jsonl, queries.jsonl, qrels/test.tsv).", Required = true };
        var modes = new Option<string>("--modes") { Description = "Verity retrieval modes to evaluate, comma-separated.", DefaultValueFactory = _ => "lexical,dense,hybrid" };
        var noPeers = new Option<bool>("--no-peers") { Description = "Skip the Lucene.NET BM25 and raw SQLite FTS5 peers." };
        var noAnswers = new Option<bool>("--no-answers") { Description = "Skip answer-level evaluation." };
        var maxQueries = new Option<int?>("--max-queries") { Description = "Evaluate only the first N test queries." };
        var report = new Option<string?>("--report") { Description = "Folder for report.md/.html/.json and charts (default: artifacts/eval/<dataset>)." };
        var baseline = new Option<string?>("--baseline") { Description = "Baseline JSON; exit 1 when nDCG@10 falls below it by more than its tolerance." };
        var json = CliOptions.Json();
        var command = new Command("eval", "Evaluate retrieval (nDCG@10, Recall@10/100, MRR@10, latency) and answers on a BEIR dataset, beside Lucene.NET BM25 and SQLite FTS5.")
        {
            dataset, modes, noPeers, noAnswers, maxQueries, report, baseline, json,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var data = BeirDataset.Load(parse.GetValue(dataset)!);
            var quiet = parse.GetValue(json);
            var progress = new InlineProgress(message => Console.Error.WriteLine("eval: " + message));
            var root = parse.GetValue(CliOptions.Data) ?? DataDirectory.Resolve(CliHost.BuildConfiguration(null));
            var indexDirectory = Path.Combine(root, "eval", $"{data.Name}-{data.CorpusHash[..12]}");
            progress.Report($"{data.Name}: {data.TestQueries.Count} test queries; index in {indexDirectory}");

            // The evaluation index is a cache of the dataset, always a SQLite file of its own, whatever --store says:
            // a BEIR corpus has no place in a shared PostgreSQL index.
            await using var services = await CliHost.StartAsync(indexDirectory, "sqlite:" + Path.Combine(indexDirectory, DataDirectory.DatabaseFileName), ct);
            var runner = new EvaluationRunner(
                services.GetRequiredService<IIndexStore>(),
                services.GetRequiredService<IngestionService>(),
                services.GetRequiredService<Retriever>(),
                services.GetRequiredService<IAnswerGenerator>());
            var result = await runner.RunAsync(
                data,
                new EvaluationOptions
                {
                    Modes = ParseModes(parse.GetValue(modes)!),
                    Peers = !parse.GetValue(noPeers),
                    Answers = !parse.GetValue(noAnswers),
                    MaxQueries = parse.GetValue(maxQueries),
                },
                progress,
                ct);

            var reportDirectory = parse.GetValue(report) ?? Path.Combine("artifacts", "eval", data.Name);
            var files = ReportWriter.Write(result, reportDirectory);
            if (quiet)
            {
                Console.WriteLine(ReportWriter.ToJson(result));
            }
            else
            {
                Print(result);
                AnsiConsole.MarkupLine($"[grey]Report: {Markup.Escape(string.Join(", ", files))}[/]");
            }

            if (parse.GetValue(baseline) is { } baselinePath)
            {
                var failures = BaselineGate.Check(result, Baseline.Load(baselinePath));
                foreach (var failure in failures)
                {
                    CliRunner.Error("quality gate: " + failure);
                }

                if (failures.Count > 0)
                {
                    return 1;
                }

                Console.Error.WriteLine($"eval: quality gate passed ({baselinePath})");
            }

            return 0;
        }));
        return command;
    }

    private static List<SearchMode> ParseModes(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(m => Enum.TryParse<SearchMode>(m, ignoreCase: true, out var mode)
                ? mode
                : throw new InvalidRequestException($"Unknown retrieval mode '{m}': use lexical, dense or hybrid.", "modes"))
            .Distinct()
            .ToList();

    private static void Print(EvaluationReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{Markup.Escape(report.Dataset)}: {report.Queries} queries, {report.Index.Documents} documents, {report.Index.Chunks} chunks");
        foreach (var column in new[] { "run", "nDCG@10", "Recall@10", "Recall@100", "MRR@10", "p50 ms", "p95 ms", "p99 ms", "q/s" })
        {
            table.AddColumn(column == "run" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        }

        foreach (var r in report.Runs)
        {
            table.AddRow(
                r.Kind == "peer" ? $"[grey]{Markup.Escape(r.Name)}[/]" : $"[bold]{Markup.Escape(r.Name)}[/]",
                F(r.NdcgAt10, "0.000"), F(r.RecallAt10, "0.000"), F(r.RecallAt100, "0.000"), F(r.MrrAt10, "0.000"),
                F(r.LatencyMs.P50, "0.00"), F(r.LatencyMs.P95, "0.00"), F(r.LatencyMs.P99, "0.00"), F(r.QueriesPerSecond, "0"));
        }

        AnsiConsole.Write(table);
        foreach (var (name, ndcg, qps, p99) in ReportWriter.Ratios(report))
        {
            AnsiConsole.MarkupLine($"{Markup.Escape(name)} vs lucene-bm25: nDCG@10 ×{F(ndcg, "0.00")}, queries/s ×{F(qps, "0.00")}, p99 ×{F(p99, "0.00")}");
        }

        foreach (var (system, ndcg) in PublishedReferences.For(report.Dataset))
        {
            AnsiConsole.MarkupLine($"[grey]published {Markup.Escape(system)}: nDCG@10 {F(ndcg, "0.000")}[/]");
        }

        if (report.Answers is { } a)
        {
            AnsiConsole.MarkupLine(
                $"answers: {a.Questions} questions, answered {F(a.AnsweredRate * 100, "0")}%, citation precision {F(a.CitationPrecision * 100, "0")}%, " +
                $"supported sentences {F(a.SupportedSentenceShare * 100, "0")}%, invalid citations {a.InvalidCitations}, " +
                $"off-topic \"I don't know\" {F(a.OffTopicIdkRate * 100, "0")}% of {a.OffTopicQuestions}, p50 {F(a.LatencyMs.P50, "0.00")} ms");
        }
    }

    private static string F(double value, string format) => value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    private sealed class InlineProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
