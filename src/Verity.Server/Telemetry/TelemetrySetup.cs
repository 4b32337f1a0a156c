using System.Reflection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Verity.Core.Jobs;
using Verity.Core.Telemetry;
using Verity.Server.Infrastructure;

namespace Verity.Server.Telemetry;

/// <summary>
/// OpenTelemetry for a Verity process: spans of the <c>Verity</c> source, of ASP.NET Core (server spans) and of
/// HttpClient (model calls as client spans); metrics of the <c>Verity</c> meter, ASP.NET Core, HttpClient and the
/// runtime, scraped on <c>/metrics</c> and, when an OTLP endpoint is configured, pushed with the traces.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>Registers the SDK and the gauge sampler. <paramref name="http"/>: the process serves HTTP (server
    /// instrumentation and the scrape endpoint).</summary>
    public static IServiceCollection AddVerityTelemetry(
        this IServiceCollection services, IConfiguration configuration, ServerRole role, bool http)
    {
        var options = new TelemetryOptions();
        configuration.GetSection(TelemetryOptions.Section).Bind(options);
        options.Validate();
        services.AddSingleton(Options.Create(options));
        var otlp = OtlpConfigured(configuration, options);
        var endpoint = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? null : options.OtlpEndpoint.TrimEnd('/');

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource
            .AddService(
                serviceName: configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "verity",
                serviceVersion: Version,
                serviceInstanceId: IngestionWorker.OwnerId)
            .AddAttributes([new("verity.role", role.ToString().ToLowerInvariant())]));

        if (options.Tracing)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(VerityTelemetry.Name)
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)))
                    .AddHttpClientInstrumentation();
                if (http)
                {
                    // Probes and scrapes every few seconds would bury the requests that matter.
                    tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperational(context.Request.Path));
                }

                if (otlp)
                {
                    tracing.AddOtlpExporter(o => Point(o, endpoint, "v1/traces"));
                }
            });
        }

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(RagMetrics.MeterName)
                .AddMeter("System.Runtime")
                .AddHttpClientInstrumentation();
            if (http)
            {
                metrics.AddAspNetCoreInstrumentation();
                if (options.Metrics)
                {
                    // No response cache: a scrape right after a request must see it (Prometheus scrapes rarely anyway).
                    metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                }
            }

            if (otlp)
            {
                metrics.AddOtlpExporter(o => Point(o, endpoint, "v1/metrics"));
            }
        });

        services.AddHostedService<MetricsSampler>();
        return services;
    }

    /// <summary>Maps the Prometheus scrape endpoint unless <c>Verity:Telemetry:Metrics</c> is false.</summary>
    public static IEndpointRouteBuilder MapVerityMetrics(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.Metrics)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath);
        }

        return app;
    }

    internal static bool IsOperational(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");

    private static string? Version =>
        typeof(TelemetrySetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    private static bool OtlpConfigured(IConfiguration configuration, TelemetryOptions options) =>
        !string.IsNullOrWhiteSpace(options.OtlpEndpoint)
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]);

    // Verity:Telemetry:OtlpEndpoint is a base address like OTEL_EXPORTER_OTLP_ENDPOINT: over HTTP each signal has its
    // own path under it; gRPC takes the address as it is. Without it the exporter reads the OTEL_* variables itself.
    private static void Point(OtlpExporterOptions exporter, string? endpoint, string signalPath)
    {
        if (endpoint is not null)
        {
            exporter.Endpoint = new Uri(exporter.Protocol == OtlpExportProtocol.HttpProtobuf ? $"{endpoint}/{signalPath}" : endpoint);
        }
    }
}
