using Microsoft.Extensions.Configuration;
using Verity.Server.Telemetry;

namespace Verity.Server.Tests.Operations;

/// <summary>Where the management port listens: on the interfaces the API listens on, whichever way its addresses
/// were given (urls — <c>--urls</c> or <c>ASPNETCORE_URLS</c> —, <c>HTTP_PORTS</c>, Kestrel's default).</summary>
public sealed class ListenAddressesTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8080", null, "http://0.0.0.0:8080", "http://0.0.0.0:8081")]
    [InlineData("http://127.0.0.1:8080; https://localhost:8443;http://127.0.0.1:9000", null,
        "http://127.0.0.1:8080|https://localhost:8443|http://127.0.0.1:9000", "http://127.0.0.1:8081|http://localhost:8081")]
    [InlineData("http://[::]:8080", null, "http://[::]:8080", "http://[::]:8081")]
    [InlineData("http://+:80", "8080", "http://+:80", "http://+:8081")]
    [InlineData(null, "8080;8090", "http://*:8080|http://*:8090", "http://*:8081")]
    [InlineData(null, null, "http://localhost:5000", "http://localhost:8081")]
    [InlineData("http://unix:/tmp/verity.sock", null, "http://unix:/tmp/verity.sock", "http://localhost:8081")]
    public void OnPort_ApiAddresses_SameInterfacesOverPlainHttp(string? urls, string? httpPorts, string main, string management)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls, ["HTTP_PORTS"] = httpPorts })
            .Build();

        var resolved = ListenAddresses.Main(configuration);

        Assert.Equal(main.Split('|'), resolved);
        Assert.Equal(management.Split('|'), ListenAddresses.OnPort(resolved, 8081));
    }

    [Theory]
    [InlineData("", "8081", "http://*:8081")]
    [InlineData("http://0.0.0.0:8080", "8081", "http://0.0.0.0:8080|http://0.0.0.0:8081")]
    [InlineData("http://0.0.0.0:8081", "8081", "http://0.0.0.0:8081")]
    [InlineData("http://127.0.0.1:8080", "", "http://127.0.0.1:8080")]
    [InlineData("", "", "")]
    public void WorkerAddresses_UrlsAndPort_AddThePortWithoutDuplicates(string urls, string port, string expected)
    {
        var given = urls.Split('|', StringSplitOptions.RemoveEmptyEntries);

        var addresses = ManagementPort.WorkerAddresses(given, port.Length == 0 ? null : int.Parse(port));

        Assert.Equal(expected.Split('|', StringSplitOptions.RemoveEmptyEntries), addresses);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8081", 8081, true)]
    [InlineData("http://[::]:8081", 8081, true)]
    [InlineData("http://127.0.0.1:8080", 8081, false)]
    [InlineData("http://127.0.0.1:8081", null, false)]
    public void IsManagementAddress_ServerAddress_MatchesOnThePort(string address, int? port, bool expected) =>
        Assert.Equal(expected, ManagementPort.IsManagementAddress(address, port));
}
