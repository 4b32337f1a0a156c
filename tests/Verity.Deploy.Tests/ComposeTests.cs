using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Verity.Deploy.Tests.Infrastructure;

namespace Verity.Deploy.Tests;

/// <summary>deploy/compose: the scale-out shape on one Docker host. No Docker engine runs here, so the files are
/// parsed strictly and checked against each other (services, mounts, ports, variables).</summary>
public sealed partial class ComposeTests
{
    private static readonly string[] VerityServices = ["api", "migrate", "sync", "worker"];

    [Fact]
    public async Task Compose_Parsed_HasTheScaleOutServices()
    {
        var services = await ServicesAsync();

        Assert.Equal(
            ["api", "blackbox", "grafana", "jaeger", "lb", "migrate", "otel-collector", "postgres", "prometheus", "redis", "sync", "worker"],
            services.Select(s => s.Key).Order());
        Assert.Equal("pgvector/pgvector:pg17", (string)services["postgres"]!["image"]!);
        Assert.Equal(2, (int)services["api"]!["deploy"]!["replicas"]!);
        Assert.Equal(["serve", "--role", "api", "--urls", "http://0.0.0.0:8080"], Strings(services["api"]!["command"]));
        Assert.Equal("worker", Strings(services["worker"]!["command"])[0]);
        Assert.Equal(["migrate"], Strings(services["migrate"]!["command"]));
        Assert.Equal("service_healthy", (string)services["migrate"]!["depends_on"]!["postgres"]!["condition"]!);
        foreach (var dependent in new[] { "api", "worker", "sync" })
        {
            Assert.Equal("service_completed_successfully", (string)services[dependent]!["depends_on"]!["migrate"]!["condition"]!);
        }
    }

    [Fact]
    public async Task Compose_VerityServices_AreHardenedAndShareOneImageAndStore()
    {
        var services = await ServicesAsync();

        foreach (var name in VerityServices)
        {
            var service = services[name]!;
            Assert.True((bool)service["read_only"]!, name);
            Assert.Equal(["ALL"], Strings(service["cap_drop"]));
            Assert.Contains("no-new-privileges:true", Strings(service["security_opt"]));
            Assert.Contains(Strings(service["tmpfs"]), t => t.StartsWith("/tmp", StringComparison.Ordinal));
            Assert.Equal("${VERITY_IMAGE:-verity:local}", (string)service["image"]!);
            Assert.Equal("Dockerfile", (string)service["build"]!["dockerfile"]!);
            Assert.True(File.Exists(Path.Combine(Repo.Path("deploy", "compose"), (string)service["build"]!["context"]!, "Dockerfile")));
            var environment = service["environment"]!.AsObject();
            Assert.Equal("postgres", (string)environment["Verity__Store"]!);
            Assert.Equal($"verity-{name}", (string)environment["OTEL_SERVICE_NAME"]!);
        }
    }

    [Fact]
    public async Task Compose_SecretSettings_ComeFromTheEnvFileOnly()
    {
        var services = await ServicesAsync();
        var compose = Repo.Read("deploy", "compose", "compose.yaml");
        var example = Repo.Read("deploy", "compose", ".env.example");

        foreach (var (name, value) in services.SelectMany(s => s.Value!["environment"]?.AsObject() ?? []))
        {
            var text = (string)value!;
            if (Regex.IsMatch(name, "(PASSWORD|KEY|SECRET|TOKEN)$", RegexOptions.IgnoreCase))
            {
                Assert.Matches(@"^\$\{[A-Z_]+(:[?-][^}]*)?\}$", text);
            }

            Assert.DoesNotMatch(@"(?i)password=(?!\$\{)", text);
        }

        // Every variable compose reads is declared in .env.example, and no secret has a value there.
        var declared = ExampleLine().Matches(example).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var used = Variable().Matches(compose).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Empty(used.Except(declared.Keys));
        Assert.All(declared.Where(d => Regex.IsMatch(d.Key, "PASSWORD|SIGNING_KEY|API_KEY")), d => Assert.Equal("", d.Value));
        Assert.Contains(".env", Repo.Read("deploy", "compose", ".gitignore").Split('\n'));
    }

    [Fact]
    public async Task Compose_BindMounts_PointAtFilesInTheRepository()
    {
        var services = await ServicesAsync();
        var composeDirectory = Repo.Path("deploy", "compose");

        var sources = services.SelectMany(s => s.Value!["volumes"]?.AsArray() ?? [])
            .Select(v => ((string)v!).Split(':')[0])
            .Where(source => source.StartsWith('.'))
            .ToList();

        Assert.True(sources.Count >= 6, string.Join(", ", sources));
        Assert.All(sources, source =>
        {
            var path = Path.GetFullPath(Path.Combine(composeDirectory, source));
            Assert.True(File.Exists(path) || Directory.Exists(path), $"{source} does not exist");
        });
    }

    [Fact]
    public async Task Prometheus_ScrapesEveryVerityProcessAndLoadsTheMountedRules()
    {
        var services = await ServicesAsync();
        var prometheus = (await DeployTools.YamlAsync("deploy", "compose", "prometheus", "prometheus.yml"))[0]!;

        var jobs = prometheus["scrape_configs"]!.AsArray().ToDictionary(j => (string)j!["job_name"]!, j => j!);
        // /metrics and /readyz answer on the management port only.
        var management = int.Parse((string)services["api"]!["environment"]!["Verity__Telemetry__ManagementPort"]!);
        foreach (var (job, service) in new[] { ("verity-api", "api"), ("verity-worker", "worker"), ("verity-readiness", "api") })
        {
            var discovery = Assert.Single(jobs[job]["dns_sd_configs"]!.AsArray())!;
            Assert.Equal([service], Strings(discovery["names"]));
            Assert.Equal(management, (int)discovery["port"]!);
        }

        Assert.Equal("/metrics", (string)jobs["verity-api"]["metrics_path"]!);
        var mounts = Strings(services["prometheus"]!["volumes"]);
        var rules = Assert.Single(Strings(prometheus["rule_files"]));
        Assert.Contains($"../prometheus/alerts.yml:{rules}:ro", mounts);
        Assert.Contains(jobs["verity-readiness"]["relabel_configs"]!.AsArray(), r => (string?)r!["replacement"] == "http://${1}/readyz");
    }

    [Fact]
    public async Task Compose_ManagementPort_IsSharedAndNeverTheApiPortTheLoadBalancerForwards()
    {
        var services = await ServicesAsync();
        var nginx = Repo.Read("deploy", "compose", "nginx", "nginx.conf");

        var ports = VerityServices.Select(name => (string?)services[name]!["environment"]!["Verity__Telemetry__ManagementPort"]).Distinct().ToList();
        var management = int.Parse(Assert.Single(ports)!);
        var apiUrl = new Uri(Strings(services["api"]!["command"])[^1]);
        Assert.NotEqual(apiUrl.Port, management);
        // lb forwards the API port and nothing else; the worker listens through the management port alone.
        Assert.Equal([$"api:{apiUrl.Port}"], UpstreamServer().Matches(nginx).Select(m => m.Groups[1].Value));
        Assert.Equal(["worker"], Strings(services["worker"]!["command"]));
        Assert.Contains("location = /metrics { return 404; }", nginx, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtelCollector_Pipelines_UseDefinedComponentsAndTheEndpointVerityExportsTo()
    {
        var services = await ServicesAsync();
        var config = (await DeployTools.YamlAsync("deploy", "compose", "otel-collector", "config.yaml"))[0]!;

        foreach (var (_, pipeline) in config["service"]!["pipelines"]!.AsObject())
        {
            foreach (var section in new[] { "receivers", "processors", "exporters" })
            {
                Assert.All(Strings(pipeline![section]), component => Assert.NotNull(config[section]![component]));
            }
        }

        var endpoint = new Uri((string)services["api"]!["environment"]!["OTEL_EXPORTER_OTLP_ENDPOINT"]!);
        Assert.Contains(endpoint.Host, services.Select(s => s.Key));
        Assert.Equal($"0.0.0.0:{endpoint.Port}", (string)config["receivers"]!["otlp"]!["protocols"]!["grpc"]!["endpoint"]!);
    }

    [Fact]
    public async Task Grafana_Provisioning_LoadsTheMountedDashboardFromPrometheus()
    {
        var services = await ServicesAsync();
        var datasources = (await DeployTools.YamlAsync("deploy", "compose", "grafana", "provisioning", "datasources", "datasources.yaml"))[0]!;
        var providers = (await DeployTools.YamlAsync("deploy", "compose", "grafana", "provisioning", "dashboards", "dashboards.yaml"))[0]!;

        var prometheus = Assert.Single(datasources["datasources"]!.AsArray(), d => (string)d!["type"]! == "prometheus")!;
        Assert.Equal("http://prometheus:9090", (string)prometheus["url"]!);
        var path = (string)Assert.Single(providers["providers"]!.AsArray())!["options"]!["path"]!;
        Assert.Contains($"../grafana/verity-dashboard.json:{path}/verity-dashboard.json:ro", Strings(services["grafana"]!["volumes"]));
    }

    [Fact]
    public async Task PostgresInitScript_IsValidBash()
    {
        var script = Repo.Path("deploy", "k8s", "overlays", "dev", "postgres", "initdb", "10-verity.sh");

        var result = await ProcessRunner.RunAsync("bash", ["-n", script], Repo.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("NOSUPERUSER NOBYPASSRLS", File.ReadAllText(script), StringComparison.Ordinal);
    }

    private static async Task<JsonObject> ServicesAsync() =>
        (await DeployTools.YamlAsync("deploy", "compose", "compose.yaml"))[0]!["services"]!.AsObject();

    private static List<string> Strings(JsonNode? node) => node!.AsArray().Select(n => (string)n!).ToList();

    [GeneratedRegex(@"^([A-Z_]+)=(.*)$", RegexOptions.Multiline)]
    private static partial Regex ExampleLine();

    [GeneratedRegex(@"\$\{([A-Z_]+)")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^\s*server\s+([^\s{;]+)[\s;]", RegexOptions.Multiline)]
    private static partial Regex UpstreamServer();
}
