using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Verity.Core.Jobs;
using Verity.Server.Infrastructure;

namespace Verity.Cli.Commands;

/// <summary><c>verity worker</c>: runs queued ingestion jobs without serving HTTP, beside API replicas
/// (<c>verity serve --role api</c>) or a <c>verity serve</c> started with <c>Verity:Worker:Enabled=false</c>. Any
/// number can run on one store: items are leased, never run twice at once.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command(
            "worker",
            "Run queued ingestion jobs (uploads, scans, crawls) until stopped with Ctrl+C; jobs a killed process left unfinished are picked up.");
        command.SetAction((parse, ct) => CliRunner.RunAsync(() => RunAsync(parse, ct)));
        return command;
    }

    /// <summary>The worker role (also <c>verity serve --role worker</c>): takes back what dead local processes
    /// held, then runs items until cancelled. Ignores <c>Verity:Worker:Enabled</c>, which is for the server.</summary>
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        await using var services = await CliHost.StartAsync(parse, cancellationToken);
        var worker = services.GetRequiredService<IngestionWorker>();
        var released = await worker.RecoverAsync(cancellationToken);
        AnsiConsole.MarkupLine(
            $"[grey]Worker {Markup.Escape(IngestionWorker.OwnerId)} running with {worker.Options.Concurrency} lane(s) on " +
            $"{Markup.Escape(services.GetRequiredService<StoreLocation>().ToString())}" +
            $"{(released > 0 ? $"; took back {released} item(s) of a stopped process" : "")} — Ctrl+C stops.[/]");
        await worker.RunAsync(cancellationToken);
        return 0;
    }
}
