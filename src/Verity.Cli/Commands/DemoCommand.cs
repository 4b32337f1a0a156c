using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;
using Verity.Core.Ingestion;
using Verity.Core.Model;
using Verity.Server.Telemetry;

namespace Verity.Cli.Commands;

internal static class DemoCommand
{
    public static Command Create()
    {
        var urls = CliOptions.Urls(ServeCommand.DefaultUrls);
        var command = new Command(
            "demo",
            "Ingest the demo corpus (the knowledge base of a fictional company) into a fresh data directory and serve it.")
        {
            urls,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var corpus = FindCorpus()
                ?? throw new InvalidOperationException("The demo corpus was not found next to the program or under demo/corpus.");
            var data = parse.GetValue(CliOptions.Data)
                ?? Path.Combine(Path.GetTempPath(), $"verity-demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
            if (Directory.Exists(data) && Directory.EnumerateFileSystemEntries(data).Any())
            {
                AnsiConsole.MarkupLine($"[grey]Reusing {Markup.Escape(data)}; unchanged documents are skipped.[/]");
            }

            // Someone watches this terminal: plain log lines unless configured otherwise.
            var app = ServeCommand.BuildApp(
                data, parse.GetValue(urls)!, anonymous: true, parse.GetValue(CliOptions.Store), logFormat: LoggingSetup.Text);
            await app.StartAsync(ct);

            AnsiConsole.MarkupLine($"Ingesting the demo corpus into [bold]{Markup.Escape(data)}[/]");
            var summary = await IngestCommand.SyncWithProgressAsync(
                app.Services, new Verity.Core.Connectors.FolderConnector(Path.GetFullPath(corpus)), Tenants.Default, quiet: false, ct);
            IngestCommand.PrintSummary(summary);

            var url = ServeCommand.Addresses(app).FirstOrDefault() ?? parse.GetValue(urls)!;
            AnsiConsole.WriteLine();
            Console.WriteLine($"Verity is serving the demo at {url}  (web page: {url}/, API reference: {url}/scalar)");
            AnsiConsole.WriteLine("Try:");
            Console.WriteLine(
                $"  curl -s {url}/v1/chat -H 'Content-Type: application/json' -d '{{\"question\": \"How many days of annual leave do employees get?\"}}'");
            AnsiConsole.MarkupLine("[grey]Press Ctrl+C to stop.[/]");
            await app.WaitForShutdownAsync(ct);
            return 0;
        }));
        return command;
    }

    private static string? FindCorpus()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "demo-corpus");
        if (Directory.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "demo", "corpus");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
