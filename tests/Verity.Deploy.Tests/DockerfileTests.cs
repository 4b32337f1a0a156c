using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Verity.Deploy.Tests.Infrastructure;

namespace Verity.Deploy.Tests;

/// <summary>The Dockerfile cannot be built here (no Docker engine); what can be checked without one is: the restore
/// step lists every project, the runtime stage is unprivileged and starts verity, and the health check command
/// itself works against a real HTTP listener.</summary>
public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = Repo.Read("Dockerfile");

    [Fact]
    public void RestoreStage_CopiesEveryProjectTheCliReferences()
    {
        var projects = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Repo.Path("src", "Verity.Cli", "Verity.Cli.csproj")]);
        while (pending.TryPop(out var project))
        {
            if (!projects.Add(Path.GetRelativePath(Repo.Root, project).Replace('\\', '/')))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
            }
        }

        Assert.True(projects.Count >= 7, string.Join(", ", projects));
        var restore = Dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal);
        Assert.All(projects, project =>
        {
            var copy = $"COPY {project} {Path.GetDirectoryName(project)!.Replace('\\', '/')}/";
            var at = Dockerfile.IndexOf(copy, StringComparison.Ordinal);
            Assert.True(at >= 0 && at < restore, $"missing before the restore: {copy}");
        });
    }

    [Fact]
    public void RuntimeStage_IsUnprivilegedAndStartsVerity()
    {
        var stages = Regex.Matches(Dockerfile, @"^FROM (\S+) AS (\w+)$", RegexOptions.Multiline).Select(m => (Image: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();
        Assert.Equal([("mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}", "build"), ("mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}", "runtime")], stages);
        Assert.Matches(@"(?m)^ARG DOTNET_VERSION=10\.0$", Dockerfile);

        var runtime = Dockerfile[Dockerfile.IndexOf("AS runtime", StringComparison.Ordinal)..];
        var uid = int.Parse(Regex.Match(runtime, @"(?m)^ARG APP_UID=(\d+)$").Groups[1].Value);
        Assert.NotEqual(0, uid);
        Assert.Matches(@"(?m)^USER \$\{APP_UID\}$", runtime);
        Assert.Equal(["/app/verity"], ExecForm("ENTRYPOINT"));
        Assert.Equal(["serve", "--urls", "http://0.0.0.0:8080"], ExecForm("CMD"));
        Assert.Matches(@"(?m)^EXPOSE 8080$", runtime);
        Assert.Contains("VERITY_DATA=/data", runtime, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_KeepsTheBuildInputsAndDropsBuildOutputs()
    {
        var patterns = Repo.Read(".dockerignore").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Contains("**/bin/", patterns);
        Assert.Contains("**/obj/", patterns);
        Assert.Contains(".git/", patterns);
        foreach (var input in new[] { "src/", "demo/", "demo/corpus/", "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" })
        {
            Assert.DoesNotContain(patterns, p => input.StartsWith(p.TrimEnd('*'), StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(503, false)]
    public async Task HealthCheck_AgainstALiveListener_PassesOnlyOn200(int status, bool healthy)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = AnswerOnceAsync(listener, status);

        var result = await RunHealthCheckAsync(port);

        Assert.Equal("GET /healthz HTTP/1.1", await server);
        Assert.True((result.ExitCode == 0) == healthy, result.ToString());
    }

    [Fact]
    public async Task HealthCheck_ManagementPortSet_ProbesThatPortInsteadOfTheHealthPort()
    {
        using var management = new TcpListener(IPAddress.Loopback, 0);
        management.Start();
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var server = AnswerOnceAsync(management, 200);

        // VERITY_HEALTH_PORT points at nothing: only the management port can make the check pass.
        var result = await RunHealthCheckAsync(closedPort, ((IPEndPoint)management.LocalEndpoint).Port);

        Assert.Equal("GET /healthz HTTP/1.1", await server);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task HealthCheck_NothingListening_Fails()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await RunHealthCheckAsync(port);

        Assert.NotEqual(0, result.ExitCode);
    }

    // The HEALTHCHECK's exec form, run as Docker would (the port through the image's VERITY_HEALTH_PORT, or the
    // management port's setting; empty counts as unset, as for a container).
    private static Task<ProcessResult> RunHealthCheckAsync(int port, int? managementPort = null)
    {
        var command = HealthCheckCommand();
        Assert.Equal("bash", command[0]);
        return ProcessRunner.RunAsync(
            command[0], command.Skip(1), Repo.Root,
            environment: new Dictionary<string, string>
            {
                ["VERITY_HEALTH_PORT"] = port.ToString(),
                ["Verity__Telemetry__ManagementPort"] = managementPort?.ToString() ?? "",
            },
            timeout: TimeSpan.FromSeconds(10));
    }

    private static async Task<string> AnswerOnceAsync(TcpListener listener, int status)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var requestLine = await reader.ReadLineAsync(timeout.Token);
        while (!string.IsNullOrEmpty(await reader.ReadLineAsync(timeout.Token)))
        {
        }

        var body = status == 200 ? "{\"status\":\"alive\"}" : "{}";
        var response = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Service Unavailable")}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), timeout.Token);
        return requestLine ?? "";
    }

    private static string[] HealthCheckCommand()
    {
        var instruction = Regex.Match(Dockerfile, @"(?m)^HEALTHCHECK (?<options>.*?)\\\n\s+CMD (?<command>\[.*\])$");
        Assert.True(instruction.Success, "no HEALTHCHECK ... CMD [...] instruction");
        Assert.Contains("--timeout=", instruction.Groups["options"].Value, StringComparison.Ordinal);
        return JsonSerializer.Deserialize<string[]>(instruction.Groups["command"].Value)!;
    }

    private static string[] ExecForm(string instruction)
    {
        var line = Regex.Matches(Dockerfile, $@"(?m)^{instruction} (\[.*\])$").Last();
        return JsonSerializer.Deserialize<string[]>(line.Groups[1].Value)!;
    }
}
