using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Verity.Storage.Conformance.Servers;

namespace Verity.Server.Tests.Operations;

/// <summary>Verity built as <c>Program</c> builds it and started on real sockets on 127.0.0.1: an API port and,
/// unless <c>managementPort</c> is null, a management port; both free ports taken just before the start.</summary>
public sealed class ManagementServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _data;

    private ManagementServer(WebApplication app, string data, int apiPort, int? managementPort)
    {
        _app = app;
        _data = data;
        Api = Client(apiPort);
        Management = managementPort is { } port ? Client(port) : null;
    }

    public HttpClient Api { get; }

    public HttpClient? Management { get; }

    public int ApiPort => Api.BaseAddress!.Port;

    public int? ManagementPort => Management?.BaseAddress!.Port;

    /// <summary>Starts the server. <paramref name="urlsAsArgument"/>: the API address comes in as <c>--urls</c> on the
    /// command line (the configuration key ASPNETCORE_URLS also sets); otherwise through <c>UseUrls</c>, as
    /// <c>verity serve</c> does.</summary>
    public static async Task<ManagementServer> StartAsync(bool management = true, bool urlsAsArgument = true)
    {
        var data = Path.Combine(Path.GetTempPath(), "verity-management-tests", Guid.NewGuid().ToString("N"));
        var apiPort = ExternalProcess.FreePort();
        int? managementPort = management ? ExternalProcess.FreePort() : null;
        var url = $"http://127.0.0.1:{apiPort}";
        var app = VerityServer.Build(urlsAsArgument ? ["--urls", url] : [], builder => Configure(builder, data, managementPort, urlsAsArgument ? null : url));
        await app.StartAsync();
        return new ManagementServer(app, data, apiPort, managementPort);
    }

    /// <summary>The settings every test server runs with, plus the management port (and the address to pass through
    /// <c>UseUrls</c>) when given.</summary>
    public static void Configure(WebApplicationBuilder builder, string data, int? managementPort, string? url)
    {
        builder.Configuration["Verity:DataDirectory"] = data;
        builder.Configuration["Auth:Anonymous"] = "true";
        builder.Configuration["Verity:RateLimits:Enabled"] = "false";
        if (managementPort is not null)
        {
            builder.Configuration[Telemetry.ManagementPort.ConfigurationKey] = managementPort.ToString();
        }

        if (url is not null)
        {
            builder.WebHost.UseUrls(url);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Management?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static HttpClient Client(int port) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
}
