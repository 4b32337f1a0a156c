using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Verity.Core.Jobs;

namespace Verity.Cli.Commands;

/// <summary><c>verity worker</c>: runs queued ingestion jobs without serving HTTP, beside a <c>verity serve</c> started
/// with <c>Verity:Worker:Enabled=false</c> (or several of them: items are leased, never run twice at once).</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command(
            "worker",
            "Run queued ingestion jobs (uploads, scans, crawls) until stopped with Ctrl+C; jobs a killed process left unfinished are picked up.");
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            await using var services = await CliHost.StartAsync(parse.GetValue(CliOptions.Data), ct);
            var worker = services.GetRequiredService<IngestionWorker>();
            var released = await worker.RecoverAsync(ct);
            AnsiConsole.MarkupLine(
                $"[grey]Worker {Markup.Escape(IngestionWorker.OwnerId)} running with {worker.Options.Concurrency} lane(s)" +
                $"{(released > 0 ? $"; took back {released} item(s) of a stopped process" : "")} — Ctrl+C stops.[/]");
            await worker.RunAsync(ct);
            return 0;
        }));
        return command;
    }
}
