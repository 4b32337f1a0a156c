using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Verity.Core.Connectors;
using Verity.Core.Ingestion;
using Verity.Core.Jobs;
using Verity.Core.Model;
using Verity.Server.Infrastructure;

namespace Verity.Cli.Commands;

internal static class IngestCommand
{
    public static Command Create()
    {
        var path = new Argument<string?>("path")
        {
            Description = "Folder of documents (PDF, DOCX, PPTX, XLSX, CSV, HTML, Markdown, JSON, text), searched recursively.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var url = new Option<Uri?>("--url") { Description = "Crawl this site instead of a folder: same host only, robots.txt respected, ETags reused." };
        var sitemap = new Option<Uri?>("--sitemap") { Description = "Crawl the pages of this sitemap.xml (with or without --url)." };
        var maxPages = new Option<int>("--max-pages") { Description = "Crawl at most this many pages.", DefaultValueFactory = _ => 1000 };
        var maxDepth = new Option<int>("--max-depth") { Description = "Follow links this deep from the start page.", DefaultValueFactory = _ => 5 };
        var json = CliOptions.Json();
        var watch = new Option<bool>("--watch") { Description = "After the first sync, keep watching the folder and sync again when it changes (Ctrl+C stops)." };
        var command = new Command(
            "ingest",
            "Sync a folder into the index as a durable job: new and changed files are indexed, unchanged ones skipped, vanished ones " +
            "removed, unreadable ones quarantined with the reason. A run that was killed is resumed by the next one.")
        {
            path,
            json,
            watch,
            url,
            sitemap,
            maxPages,
            maxDepth,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var folder = parse.GetValue(path);
            var (seed, map) = (parse.GetValue(url), parse.GetValue(sitemap));
            if ((folder is null) == (seed is null && map is null))
            {
                throw new Verity.Core.InvalidRequestException("Give either a folder or --url/--sitemap to crawl.", "path");
            }

            await using var services = await CliHost.StartAsync(parse, ct);
            if (folder is null)
            {
                using var http = WebCrawler.CreateHttpClient();
                var crawler = new WebCrawler(
                    new WebCrawlerOptions { Seed = seed, Sitemap = map, MaxPages = parse.GetValue(maxPages), MaxDepth = parse.GetValue(maxDepth) },
                    http);
                var crawled = await SyncWithProgressAsync(services, crawler, Tenants.Default, quiet: parse.GetValue(json), ct);
                return Report(crawled, parse.GetValue(json));
            }

            if (File.Exists(folder))
            {
                throw new Verity.Core.InvalidRequestException($"'{folder}' is a file; ingest takes a folder.", "path");
            }

            if (!Directory.Exists(folder))
            {
                throw new Verity.Core.InvalidRequestException($"The folder '{folder}' does not exist.", "path");
            }

            var connector = new FolderConnector(Path.GetFullPath(folder));
            var summary = await SyncWithProgressAsync(services, connector, Tenants.Default, quiet: parse.GetValue(json), ct);
            if (parse.GetValue(watch))
            {
                PrintSummary(summary);
                return await WatchAsync(services, connector, ct);
            }

            return Report(summary, parse.GetValue(json));
        }));
        return command;
    }

    private static int Report(SyncSummary summary, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(summary, ServerSetup.ConfigureJson(new JsonSerializerOptions { WriteIndented = true })));
        }
        else
        {
            PrintSummary(summary);
        }

        return summary.Failed.Count == 0 ? 0 : 1;
    }

    public static async Task<SyncSummary> SyncWithProgressAsync(
        IServiceProvider services, ISourceConnector connector, string tenant, bool quiet, CancellationToken cancellationToken)
    {
        var jobs = services.GetRequiredService<IngestionJobs>();
        if (quiet || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastDecile = -1;
            return await jobs.SyncAsync(connector, tenant, new InlineProgress(p =>
            {
                if (quiet || p.Total == 0)
                {
                    return;
                }

                var decile = p.Done * 10 / p.Total;
                if (decile != lastDecile)
                {
                    lastDecile = decile;
                    Console.Error.WriteLine($"ingest: {p.Done}/{p.Total} items ({p.CurrentPath})");
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
                summary = await jobs.SyncAsync(connector, tenant, new InlineProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = p.CurrentPath.Length > 40 ? "…" + p.CurrentPath[^39..] : p.CurrentPath;
                }), cancellationToken);
                task.Value = task.MaxValue;
            });
        return summary!;
    }

    private static async Task<int> WatchAsync(IServiceProvider services, FolderConnector connector, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine($"[grey]Watching {Markup.Escape(connector.Root)} — Ctrl+C stops.[/]");
        var jobs = services.GetRequiredService<IngestionJobs>();
        await using var watcher = new FolderWatcher(connector.Root, async (_, ct) =>
        {
            var summary = await jobs.SyncAsync(connector, Tenants.Default, null, ct);
            if (summary.Added + summary.Updated + summary.Removed + summary.Failed.Count > 0)
            {
                PrintSummary(summary);
            }
        });
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return 0;
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
        if (summary.ResumedJobs > 0)
        {
            AnsiConsole.MarkupLine(
                $"[yellow]Resumed {summary.ResumedJobs} unfinished job(s) of an earlier run first ({summary.ResumedChanges} document(s) added, updated or removed by them).[/]");
        }

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
