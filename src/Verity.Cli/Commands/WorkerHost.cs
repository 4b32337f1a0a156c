using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Verity.Server.Endpoints;
using Verity.Server.Infrastructure;
using Verity.Server.Telemetry;

namespace Verity.Cli.Commands;

/// <summary>
/// The services of a worker process as a host, so that its telemetry runs beside the jobs: JSON logs, traces and
/// metrics pushed over OTLP when configured, the gauge sampler, and — with <see cref="UrlsKey"/>, <c>--urls</c> or
/// <c>Verity:Telemetry:ManagementPort</c> — a small HTTP listener with <c>/healthz</c>, <c>/readyz</c> and
/// <c>/metrics</c> only (no API, so every address of it is a management address).
/// </summary>
internal static class WorkerHost
{
    /// <summary>Addresses of the worker's health and metrics listener, separated by ';' (none by default).</summary>
    public const string UrlsKey = "Verity:Worker:MetricsUrls";

    public static IHost Build(IConfiguration configuration, string? urls)
    {
        var addresses = ManagementPort.WorkerAddresses(
            (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ManagementPort.Of(configuration));
        if (addresses.Count == 0)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddConfiguration(configuration);
            AddServices(builder.Services, builder.Logging, configuration, http: false);
            return builder.Build();
        }

        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Directory.GetCurrentDirectory() });
        web.Configuration.AddConfiguration(configuration);
        web.WebHost.UseUrls([.. addresses]);
        web.Services.ConfigureHttpJsonOptions(o => ServerSetup.ConfigureJson(o.SerializerOptions));
        AddServices(web.Services, web.Logging, configuration, http: true);
        var app = web.Build();
        app.MapManagementEndpoints(management => management.MapHealthEndpoints().MapVerityMetrics());
        return app;
    }

    private static void AddServices(IServiceCollection services, ILoggingBuilder logging, IConfiguration configuration, bool http)
    {
        logging.ClearProviders()
            .SetMinimumLevel(LogLevel.Information)
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Microsoft.Hosting", LogLevel.Warning)
            .AddVerityConsole(configuration, LoggingSetup.Json);
        services.AddVerityServices(configuration);
        services.AddVerityTelemetry(configuration, ServerRole.Worker, http);
    }
}
