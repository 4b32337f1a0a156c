using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Verity.Server.Telemetry;

/// <summary>
/// The management port (<c>Verity:Telemetry:ManagementPort</c>): Kestrel also listens on it, on the interfaces of the
/// API's own addresses, and the unauthenticated operational endpoints (<c>/healthz</c>, <c>/readyz</c>,
/// <c>/metrics</c>) answer there only, while everything else answers only on the API's addresses. A public ingress or
/// load balancer then forwards the API port alone and cannot leak the metrics. Unset, one port serves everything.
/// </summary>
/// <remarks>The port a request arrived on is the connection's local port. Host-based routing (<c>RequireHost</c>)
/// would read the Host header, which any client sets at will: <c>Host: verity:8081</c> sent to the API port must not
/// reach <c>/metrics</c>.</remarks>
public static partial class ManagementPort
{
    public const string ConfigurationKey = TelemetryOptions.Section + ":ManagementPort";

    /// <summary>Marks the endpoints that belong on the management port (see <see cref="MapManagementEndpoints"/>).</summary>
    internal sealed class EndpointMarker
    {
        internal static readonly EndpointMarker Instance = new();

        private EndpointMarker()
        {
        }
    }

    /// <summary>The configured port, or null. Read when the host is built, like the addresses it joins.</summary>
    public static int? Of(IConfiguration configuration)
    {
        var port = configuration.GetValue<int?>(ConfigurationKey);
        if (port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"{ConfigurationKey} must be a TCP port from 1 to 65535 (got {port}).");
        }

        return port;
    }

    /// <summary>Adds the management addresses to the ones the server listens on (<c>--urls</c>, <c>ASPNETCORE_URLS</c>,
    /// <c>urls</c> in configuration, else <c>HTTP_PORTS</c>/<c>HTTPS_PORTS</c>, else Kestrel's default); call it after
    /// those are set. With <c>Kestrel:Endpoints</c> configured Kestrel ignores every URL, so the management endpoint
    /// must be declared there as well.</summary>
    public static WebApplicationBuilder AddManagementPort(this WebApplicationBuilder builder)
    {
        if (Of(builder.Configuration) is not { } port || builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            return builder;
        }

        var main = ListenAddresses.Main(builder.Configuration);
        if (main.FirstOrDefault(url => ListenAddresses.PortOf(url) == port) is { } clash)
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} is {port}, the port of the API address {clash}: give the management endpoints a port of their own.");
        }

        builder.WebHost.UseUrls([.. main, .. ListenAddresses.OnPort(main, port)]);
        // Folded into the URLs above; left set, the host would warn that the URLs override them.
        builder.Configuration[WebHostDefaults.HttpPortsKey] = "";
        builder.Configuration[WebHostDefaults.HttpsPortsKey] = "";
        return builder;
    }

    /// <summary>The addresses of a worker's listener, which serves nothing but the management endpoints: the given
    /// ones plus, with a port, that port on their interfaces — or on every interface when none is given, so that a
    /// worker in a container is reachable with the setting alone.</summary>
    public static IReadOnlyList<string> WorkerAddresses(IReadOnlyList<string> urls, int? port) =>
        port is not { } value ? urls
        : urls.Count == 0 ? [$"http://*:{value}"]
        : urls.Concat(ListenAddresses.OnPort(urls, value)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Maps the probes and the scrape endpoint, marked as management endpoints.</summary>
    public static IEndpointRouteBuilder MapManagementEndpoints(this IEndpointRouteBuilder app, Action<IEndpointRouteBuilder> map)
    {
        var group = app.MapGroup("").WithMetadata(EndpointMarker.Instance);
        map(group);
        return app;
    }

    /// <summary>With a management port, lets each endpoint answer on its own side only; any other request gets the
    /// same 404 as an unknown URL. Call it first: it reads the matched endpoint, and WebApplication routes before the
    /// first middleware (an explicit <c>UseRouting</c> would have to come before it).</summary>
    public static WebApplication UseManagementPort(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.ManagementPort is not { } port)
        {
            return app;
        }

        app.Use((context, next) =>
        {
            if ((context.Connection.LocalPort == port) != IsManagement(context))
            {
                context.SetEndpoint(null);
            }

            return next(context);
        });
        app.Lifetime.ApplicationStarted.Register(() => WarnIfNotListening(app, port));
        return app;
    }

    /// <summary>Whether a listen address (as the server reports it) is on the management port.</summary>
    public static bool IsManagementAddress(string address, int? port) => port is not null && ListenAddresses.PortOf(address) == port;

    // The path as well as the matched endpoint: a wrong method on /metrics routes to a 405 endpoint, which would tell
    // the public side that the path exists.
    private static bool IsManagement(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<EndpointMarker>() is not null || TelemetrySetup.IsOperational(context.Request.Path);

    private static void WarnIfNotListening(WebApplication app, int port)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (!addresses.Any(a => IsManagementAddress(a, port)))
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ManagementPort).FullName!);
            LogNotListening(logger, port, string.Join(", ", addresses));
        }
    }

    [LoggerMessage(3520, LogLevel.Error,
        "Verity:Telemetry:ManagementPort is {Port} but the server listens on {Addresses} only: /healthz, /readyz and /metrics answer nowhere. " +
        "Declare the management endpoint under Kestrel:Endpoints too, or listen through --urls/ASPNETCORE_URLS")]
    private static partial void LogNotListening(ILogger logger, int port, string addresses);
}
