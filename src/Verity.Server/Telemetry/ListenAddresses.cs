using System.Globalization;

namespace Verity.Server.Telemetry;

/// <summary>The addresses a host listens on, resolved the way ASP.NET Core's host resolves them, and the management
/// addresses derived from them.</summary>
internal static class ListenAddresses
{
    /// <summary>Kestrel's own default when nothing is configured.</summary>
    public const string KestrelDefault = "http://localhost:5000";

    /// <summary>What the host will bind: <c>urls</c> (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>UseUrls</c>) first,
    /// else <c>HTTP_PORTS</c> and <c>HTTPS_PORTS</c> on every interface, else Kestrel's default.</summary>
    public static IReadOnlyList<string> Main(IConfiguration configuration)
    {
        var urls = Split(configuration[WebHostDefaults.ServerUrlsKey]);
        if (urls.Count > 0)
        {
            return urls;
        }

        var ports = Split(configuration[WebHostDefaults.HttpPortsKey]).Select(p => $"http://*:{p}")
            .Concat(Split(configuration[WebHostDefaults.HttpsPortsKey]).Select(p => $"https://*:{p}"))
            .ToList();
        return ports.Count > 0 ? ports : [KestrelDefault];
    }

    /// <summary>Plain-HTTP addresses on <paramref name="port"/>, one per distinct interface of
    /// <paramref name="addresses"/> (sockets and pipes have none; with no interface at all, loopback). Scrapers and
    /// probes reach the port from inside the network, so it needs no TLS even when the API has it.</summary>
    public static IReadOnlyList<string> OnPort(IEnumerable<string> addresses, int port)
    {
        var hosts = addresses.Select(BindingAddress.Parse)
            .Where(a => !a.IsUnixPipe && !a.IsNamedPipe)
            .Select(a => a.Host)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return hosts.Count == 0
            ? [$"http://localhost:{port}"]
            : hosts.Select(host => $"http://{host}:{port.ToString(CultureInfo.InvariantCulture)}").ToList();
    }

    /// <summary>The TCP port of an address, or null for a socket or a pipe.</summary>
    public static int? PortOf(string address)
    {
        var parsed = BindingAddress.Parse(address);
        return parsed.IsUnixPipe || parsed.IsNamedPipe ? null : parsed.Port;
    }

    private static List<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
