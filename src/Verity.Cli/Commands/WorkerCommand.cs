using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
        var urls = new Option<string?>("--urls")
        {
            Description = "Serve /healthz, /readyz and /metrics (no API) on these addresses, separated by ';'. " +
                "Default: $Verity__Worker__MetricsUrls, else none (telemetry only over OTLP); " +
                "$Verity__Telemetry__ManagementPort adds that port (on every interface when no address is given).",
        };
        var command = new Command(
            "worker",
            "Run queued ingestion jobs (uploads, scans, crawls) until stopped with Ctrl+C; jobs a killed process left unfinished are picked up.")
        {
            urls,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(() => RunAsync(parse, parse.GetValue(urls), ct)));
        return command;
    }

    /// <summary>The worker role (also <c>verity serve --role worker</c>): takes back what dead local processes
    /// held, then runs items until cancelled, with its telemetry (and, given <paramref name="urls"/> or
    /// <see cref="WorkerHost.UrlsKey"/>, its health and metrics listener) running beside. Ignores
    /// <c>Verity:Worker:Enabled</c>, which is for the server.</summary>
    public static async Task<int> RunAsync(ParseResult parse, string? urls, CancellationToken cancellationToken)
    {
        var configuration = CliHost.ConfigurationFor(parse);
        var host = WorkerHost.Build(configuration, urls ?? configuration[WorkerHost.UrlsKey]);
        var started = false;
        try
        {
            await host.Services.InitializeIndexAsync(cancellationToken);
            await host.StartAsync(cancellationToken);
            started = true;
            var worker = host.Services.GetRequiredService<IngestionWorker>();
            var released = await worker.RecoverAsync(cancellationToken);
            var listening = host is WebApplication app ? $"; health and metrics at {string.Join(", ", ServeCommand.Addresses(app))}" : "";
            AnsiConsole.MarkupLine(
                $"[grey]Worker {Markup.Escape(IngestionWorker.OwnerId)} running with {worker.Options.Concurrency} lane(s) on " +
                $"{Markup.Escape(host.Services.GetRequiredService<StoreLocation>().ToString())}" +
                $"{(released > 0 ? $"; took back {released} item(s) of a stopped process" : "")}{Markup.Escape(listening)} — Ctrl+C stops.[/]");
            await worker.RunAsync(cancellationToken);
        }
        finally
        {
            if (started)
            {
                await host.StopAsync(CancellationToken.None);
            }

            await ((IAsyncDisposable)host).DisposeAsync();
        }

        return 0;
    }
}
