using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Verity.Server;
using Verity.Server.Infrastructure;
using Verity.Server.Telemetry;

namespace Verity.Cli.Commands;

internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    public static Command Create()
    {
        var urls = CliOptions.Urls(DefaultUrls);
        var anonymous = new Option<bool>("--anonymous")
        {
            Description = "Serve without authentication: every caller is an anonymous reader/editor of the default tenant and sees public documents only.",
        };
        var role = new Option<string?>("--role")
        {
            Description = "all (default): HTTP and the ingestion worker in one process; api: HTTP only, jobs wait for workers; " +
                "worker: no HTTP, runs queued jobs (as verity worker). Default: $Verity__Role, else all.",
        };
        role.AcceptOnlyFromAmong("all", "api", "worker");
        var command = new Command("serve", "Serve the HTTP API and the web page over the index (requires Auth:SigningKey or Auth:Authority unless --anonymous).")
        {
            urls, anonymous, role,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var chosen = parse.GetValue(role) is { } given
                ? ServerRoles.Parse(given)
                : ServerRoles.Resolve(CliHost.ConfigurationFor(parse));
            if (chosen == ServerRole.Worker)
            {
                // A worker started as `serve` serves its health and metrics (no API) on --urls.
                return await WorkerCommand.RunAsync(parse, parse.GetValue(urls), ct);
            }

            var app = BuildApp(parse.GetValue(CliOptions.Data), parse.GetValue(urls)!, parse.GetValue(anonymous), parse.GetValue(CliOptions.Store), chosen);
            await app.StartAsync(ct);
            var store = app.Services.GetRequiredService<StoreLocation>();
            var port = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.ManagementPort;
            var management = Addresses(app).Where(a => ManagementPort.IsManagementAddress(a, port)).ToList();
            Console.WriteLine(
                $"Verity is serving {store} at {string.Join(", ", Addresses(app).Except(management))} (role {chosen.ToString().ToLowerInvariant()})" +
                (management.Count > 0 ? $"; health and metrics at {string.Join(", ", management)}" : ""));
            await app.WaitForShutdownAsync(ct);
            return 0;
        }));
        return command;
    }

    public static WebApplication BuildApp(
        string? dataDirectory, string urls, bool anonymous, string? store = null, ServerRole? role = null, string? logFormat = null) =>
        VerityServer.Build([], builder =>
        {
            if (logFormat is not null && string.IsNullOrEmpty(builder.Configuration[LoggingSetup.FormatKey]))
            {
                builder.Configuration[LoggingSetup.FormatKey] = logFormat;
            }

            if (dataDirectory is not null)
            {
                builder.Configuration[DataDirectory.ConfigurationKey] = dataDirectory;
            }

            if (store is not null)
            {
                builder.Configuration[StoreSelection.ConfigurationKey] = store;
            }

            if (role is not null)
            {
                builder.Configuration[ServerRoles.ConfigurationKey] = role.Value.ToString().ToLowerInvariant();
            }

            if (anonymous)
            {
                builder.Configuration["Auth:Anonymous"] = "true";
            }

            builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        });

    public static IReadOnlyCollection<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
