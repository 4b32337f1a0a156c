using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Verity.Core.Ingestion;
using Verity.Core.Model;
using Verity.Server.Infrastructure;

namespace Verity.Cli.Commands;

internal static class IngestCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "Folder of .md, .txt and .html files (searched recursively)." };
        var json = CliOptions.Json();
        var command = new Command(
            "ingest",
            "Sync a folder into the index: new and changed files are indexed, unchanged ones skipped, vanished ones removed.")
        {
            path,
            json,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            await using var services = await CliHost.StartAsync(parse.GetValue(CliOptions.Data), ct);
            var ingestion = services.GetRequiredService<IngestionService>();
            var folder = parse.GetValue(path)!;
            if (File.Exists(folder))
            {
                throw new Verity.Core.InvalidRequestException($"'{folder}' is a file; ingest takes a folder.", "path");
            }

            var summary = await SyncWithProgressAsync(ingestion, folder, Tenants.Default, quiet: parse.GetValue(json), ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(summary, ServerSetup.ConfigureJson(new JsonSerializerOptions { WriteIndented = true })));
            }
            else
            {
                PrintSummary(summary);
            }

            return summary.Failed.Count == 0 ? 0 : 1;
        }));
        return command;
    }

    public static async Task<SyncSummary> SyncWithProgressAsync(
        IngestionService ingestion, string folder, string tenant, bool quiet, CancellationToken cancellationToken)
    {
        if (quiet || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastDecile = -1;
            return await ingestion.SyncDirectoryAsync(folder, tenant, new InlineProgress(p =>
            {
                if (quiet || p.Total == 0)
                {
                    return;
                }

                var decile = p.Done * 10 / p.Total;
                if (decile != lastDecile)
                {
                    lastDecile = decile;
                    Console.Error.WriteLine($"ingest: {p.Done}/{p.Total} files");
                }
            }), cancellationToken);
        }

        SyncSummary? summary = null;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Ingesting", maxValue: 1);
                summary = await ingestion.SyncDirectoryAsync(folder, tenant, new InlineProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = p.CurrentPath.Length > 40 ? "…" + p.CurrentPath[^39..] : p.CurrentPath;
                }), cancellationToken);
                task.Value = task.MaxValue;
            });
        return summary!;
    }

    public static void PrintSummary(SyncSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("added").AddColumn("updated").AddColumn("unchanged")
            .AddColumn("removed").AddColumn("failed").AddColumn("chunks embedded").AddColumn("time");
        table.AddRow(
            summary.Added.ToString(), summary.Updated.ToString(), summary.Unchanged.ToString(), summary.Removed.ToString(),
            summary.Failed.Count == 0 ? "0" : $"[red]{summary.Failed.Count}[/]", summary.ChunksEmbedded.ToString(),
            $"{summary.Elapsed.TotalSeconds:0.00} s");
        AnsiConsole.Write(table);
        if (summary.Ignored > 0)
        {
            AnsiConsole.MarkupLine($"[grey]{summary.Ignored} file(s) of unsupported types ignored.[/]");
        }

        foreach (var failure in summary.Failed)
        {
            AnsiConsole.MarkupLine($"[red]failed[/] {Markup.Escape(failure.Path)}: {Markup.Escape(failure.Reason)}");
        }
    }

    private sealed class InlineProgress(Action<SyncProgress> report) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => report(value);
    }
}
