using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ScottPlot;

namespace Verity.Evaluation.Reports;

/// <summary>Writes an evaluation as JSON, Markdown and HTML, with PNG charts of quality and latency.</summary>
public static class ReportWriter
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToJson(EvaluationReport report) => JsonSerializer.Serialize(report, Json);

    /// <summary>Writes report.json, report.md, report.html, ndcg.png and latency.png into <paramref name="directory"/>.</summary>
    public static IReadOnlyList<string> Write(EvaluationReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>
        {
            Save(directory, "report.json", ToJson(report)),
            QualityChart(report, Path.Combine(directory, "ndcg.png")),
            LatencyChart(report, Path.Combine(directory, "latency.png")),
            Save(directory, "report.md", Markdown(report, "ndcg.png", "latency.png")),
            Save(directory, "report.html", Html(report, "ndcg.png", "latency.png")),
        };
        return files;
    }

    public static string Markdown(EvaluationReport report, string? qualityChart = null, string? latencyChart = null)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"# Evaluation: {report.Dataset}"));
        md.AppendLine();
        md.AppendLine(Invariant($"{report.Queries} test queries · {report.Index.Documents} documents · {report.Index.Chunks} chunks · embedding `{report.Index.EmbeddingModel}` · chunking `{report.Index.ChunkerVersion}`"));
        md.AppendLine(Invariant($"Machine: {report.Machine.Os}, {report.Machine.Cores} cores, {report.Machine.Runtime} · measured {report.MeasuredAt:yyyy-MM-dd HH:mm} UTC"));
        md.AppendLine();
        md.AppendLine("| run | kind | nDCG@10 | Recall@10 | Recall@100 | MRR@10 | p50 ms | p95 ms | p99 ms | queries/s |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in report.Runs)
        {
            md.AppendLine(Invariant($"| {r.Name} | {r.Kind} | {r.NdcgAt10:0.000} | {r.RecallAt10:0.000} | {r.RecallAt100:0.000} | {r.MrrAt10:0.000} | {r.LatencyMs.P50:0.00} | {r.LatencyMs.P95:0.00} | {r.LatencyMs.P99:0.00} | {r.QueriesPerSecond:0} |"));
        }

        var ratios = Ratios(report).ToList();
        if (ratios.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Ratios against the Lucene.NET BM25 peer (same machine, same run; > 1 means Verity is higher):");
            md.AppendLine();
            md.AppendLine("| run | nDCG@10 ratio | queries/s ratio | p99 latency ratio |");
            md.AppendLine("|---|---|---|---|");
            foreach (var (name, ndcg, qps, p99) in ratios)
            {
                md.AppendLine(Invariant($"| {name} | {ndcg:0.00}× | {qps:0.00}× | {p99:0.00}× |"));
            }
        }

        var references = PublishedReferences.For(report.Dataset);
        if (references.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Published nDCG@10 on this dataset: " + string.Join(", ", references.Select(r => Invariant($"{r.System} {r.Ndcg:0.000}"))) + ".");
        }

        md.AppendLine();
        md.AppendLine("Index build: " + string.Join(", ", report.BuildSeconds.Select(p => Invariant($"{p.Key} {p.Value:0.0} s"))) +
            (report.Index.Reused ? " (Verity reused an index built from the same corpus and configuration)." : "."));

        if (report.Answers is { } a)
        {
            md.AppendLine();
            md.AppendLine("## Answers (hybrid retrieval, top 5 sources)");
            md.AppendLine();
            md.AppendLine("| questions | answered | citation precision | supported sentences | invalid citations | off-topic questions | off-topic \"I don't know\" | p50 ms | p95 ms |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|");
            md.AppendLine(Invariant($"| {a.Questions} | {a.AnsweredRate * 100:0}% | {a.CitationPrecision * 100:0}% | {a.SupportedSentenceShare * 100:0}% | {a.InvalidCitations} | {a.OffTopicQuestions} | {a.OffTopicIdkRate * 100:0}% | {a.LatencyMs.P50:0.00} | {a.LatencyMs.P95:0.00} |"));
        }

        if (qualityChart is not null)
        {
            md.AppendLine();
            md.AppendLine(Invariant($"![nDCG@10 by run]({qualityChart})"));
        }

        if (latencyChart is not null)
        {
            md.AppendLine();
            md.AppendLine(Invariant($"![Query latency by run]({latencyChart})"));
        }

        return md.ToString();
    }

    public static IEnumerable<(string Name, double Ndcg, double Qps, double P99)> Ratios(EvaluationReport report)
    {
        var peer = report.Runs.FirstOrDefault(r => r.Name == "lucene-bm25");
        if (peer is null)
        {
            yield break;
        }

        foreach (var run in report.Runs.Where(r => r.Kind == "verity"))
        {
            yield return (run.Name, Divide(run.NdcgAt10, peer.NdcgAt10), Divide(run.QueriesPerSecond, peer.QueriesPerSecond), Divide(run.LatencyMs.P99, peer.LatencyMs.P99));
        }
    }

    private static string Html(EvaluationReport report, string qualityChart, string latencyChart)
    {
        var html = new StringBuilder();
        html.AppendLine("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine(Invariant($"<title>Verity evaluation: {WebUtility.HtmlEncode(report.Dataset)}</title>"));
        html.AppendLine("<style>body{font:15px/1.5 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#1d2330}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #dde2ea;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}img{max-width:100%}</style>");
        html.AppendLine("</head><body>");
        // The Markdown is simple (headings, paragraphs, pipe tables, images); render it line by line.
        var inTable = false;
        foreach (var line in Markdown(report, qualityChart, latencyChart).Split('\n'))
        {
            if (line.StartsWith('|'))
            {
                var cells = line.Trim().Trim('|').Split('|').Select(c => WebUtility.HtmlEncode(c.Trim().Trim('`'))).ToList();
                if (cells.All(c => c.All(ch => ch is '-' or ':')))
                {
                    continue;
                }

                html.Append(inTable ? "<tr>" : "<table><tr>").Append(string.Concat(cells.Select(c => (inTable ? "<td>" : "<th>") + c + (inTable ? "</td>" : "</th>")))).AppendLine("</tr>");
                inTable = true;
                continue;
            }

            if (inTable)
            {
                html.AppendLine("</table>");
                inTable = false;
            }

            if (line.StartsWith("# ", StringComparison.Ordinal) || line.StartsWith("## ", StringComparison.Ordinal))
            {
                var level = line.StartsWith("## ", StringComparison.Ordinal) ? 2 : 1;
                html.AppendLine(Invariant($"<h{level}>{WebUtility.HtmlEncode(line.TrimStart('#', ' '))}</h{level}>"));
            }
            else if (line.StartsWith("![", StringComparison.Ordinal))
            {
                var src = line[(line.IndexOf('(', StringComparison.Ordinal) + 1)..line.LastIndexOf(')')];
                html.AppendLine(Invariant($"<p><img src=\"{WebUtility.HtmlEncode(src)}\" alt=\"chart\"></p>"));
            }
            else if (line.Trim().Length > 0)
            {
                html.AppendLine("<p>" + WebUtility.HtmlEncode(line.Replace("`", "", StringComparison.Ordinal)) + "</p>");
            }
        }

        if (inTable)
        {
            html.AppendLine("</table>");
        }

        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static string QualityChart(EvaluationReport report, string path)
    {
        var plot = new Plot();
        var positions = Enumerable.Range(0, report.Runs.Count).Select(i => (double)i).ToArray();
        var bars = plot.Add.Bars(positions, report.Runs.Select(r => r.NdcgAt10).ToArray());
        for (var i = 0; i < report.Runs.Count; i++)
        {
            bars.Bars[i].FillColor = report.Runs[i].Kind == "peer" ? Colors.Gray : Colors.SteelBlue;
            bars.Bars[i].Label = report.Runs[i].NdcgAt10.ToString("0.000", CultureInfo.InvariantCulture);
        }

        bars.ValueLabelStyle.FontSize = 14;
        foreach (var (system, ndcg) in PublishedReferences.For(report.Dataset).Take(1))
        {
            var line = plot.Add.HorizontalLine(ndcg);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.OrangeRed;
            line.LegendText = Invariant($"{system} published: {ndcg:0.000}");
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, report.Runs.Select(r => r.Name).ToArray());
        plot.Axes.SetLimitsY(0, 1);
        plot.Title(Invariant($"nDCG@10 on {report.Dataset} ({report.Queries} queries)"));
        plot.YLabel("nDCG@10");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 900, 480);
        return path;
    }

    private static string LatencyChart(EvaluationReport report, string path)
    {
        var plot = new Plot();
        var bars = new List<Bar>();
        for (var i = 0; i < report.Runs.Count; i++)
        {
            var run = report.Runs[i];
            bars.Add(new Bar { Position = (i * 3) + 0, Value = run.LatencyMs.P50, FillColor = Colors.SteelBlue, Label = run.LatencyMs.P50.ToString("0.0", CultureInfo.InvariantCulture) });
            bars.Add(new Bar { Position = (i * 3) + 1, Value = run.LatencyMs.P99, FillColor = Colors.DarkOrange, Label = run.LatencyMs.P99.ToString("0.0", CultureInfo.InvariantCulture) });
        }

        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, report.Runs.Count).Select(i => (i * 3) + 0.5).ToArray(), report.Runs.Select(r => r.Name).ToArray());
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "p50", FillColor = Colors.SteelBlue });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "p99", FillColor = Colors.DarkOrange });
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.Margins(bottom: 0);
        plot.Title(Invariant($"Query latency on {report.Dataset}, one query at a time"));
        plot.YLabel("milliseconds");
        plot.SavePng(path, 900, 480);
        return path;
    }

    private static double Divide(double a, double b) => b == 0 ? 0 : a / b;

    private static string Save(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Invariant(FormattableString value) => FormattableString.Invariant(value);
}
