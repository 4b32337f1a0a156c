using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Verity.Server;
using Verity.Server.Infrastructure;

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
        var command = new Command("serve", "Serve the HTTP API and the web page over the index in the data directory (requires Auth:SigningKey or Auth:Authority unless --anonymous).")
        {
            urls, anonymous,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var app = BuildApp(parse.GetValue(CliOptions.Data), parse.GetValue(urls)!, parse.GetValue(anonymous));
            await app.StartAsync(ct);
            Console.WriteLine($"Verity is serving {DataDirectory.Resolve(app.Configuration)} at {string.Join(", ", Addresses(app))}");
            await app.WaitForShutdownAsync(ct);
            return 0;
        }));
        return command;
    }

    public static WebApplication BuildApp(string? dataDirectory, string urls, bool anonymous) =>
        VerityServer.Build([], builder =>
        {
            if (dataDirectory is not null)
            {
                builder.Configuration[DataDirectory.ConfigurationKey] = dataDirectory;
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
