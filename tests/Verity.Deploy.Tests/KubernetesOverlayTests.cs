using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Verity.Deploy.Tests.Infrastructure;
using static Verity.Deploy.Tests.Infrastructure.Manifests;

namespace Verity.Deploy.Tests;

/// <summary>Each overlay rendered by <c>kubectl kustomize</c>, validated by deploy/k8s/validate (schema and policy),
/// and read for what an overlay promises.</summary>
public sealed partial class KubernetesOverlayTests
{
    private static readonly string[] SharedObjects =
    [
        "Namespace/", "ServiceAccount/verity", "ConfigMap/verity-config", "Service/verity-api",
        "PersistentVolumeClaim/verity-sources", "Deployment/verity-api", "Deployment/verity-worker", "CronJob/verity-sync",
        "PodDisruptionBudget/verity-api", "HorizontalPodAutoscaler/verity-api", "Ingress/verity-api",
        "NetworkPolicy/verity-default-deny", "NetworkPolicy/verity-allow-dns", "NetworkPolicy/verity-api-ingress",
        "NetworkPolicy/verity-worker-ingress", "NetworkPolicy/verity-datastore-egress", "NetworkPolicy/verity-model-egress",
        "NetworkPolicy/verity-telemetry-egress",
    ];

    private static readonly string[] DevOnlyObjects =
    [
        "ConfigMap/verity-postgres-initdb", "StatefulSet/verity-postgres", "Service/verity-postgres", "Deployment/verity-redis",
        "Service/verity-redis", "NetworkPolicy/verity-postgres-ingress", "NetworkPolicy/verity-redis-ingress",
    ];

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Overlay_RenderedAndValidated_EveryObjectIsValid(string overlay)
    {
        var rendered = await DeployTools.RenderAsync(overlay);

        var result = await DeployTools.ValidateAsync(rendered);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var summary = SummaryLine().Match(lines[^1]);
        Assert.True(summary.Success, lines[^1]);
        var objects = int.Parse(summary.Groups[1].Value);
        Assert.Equal(Regex.Count(rendered, "^kind: ", RegexOptions.Multiline), objects);
        Assert.Equal(objects, int.Parse(summary.Groups[2].Value));
        Assert.Equal(objects, lines.Count(l => l.StartsWith("ok    ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("dev", "verity-dev", true)]
    [InlineData("prod", "verity", false)]
    public async Task Overlay_Rendered_HasExactlyTheExpectedObjects(string overlay, string ns, bool inClusterStores)
    {
        var objects = await DeployTools.RenderObjectsAsync(overlay);

        var expected = SharedObjects.Select(id => id == "Namespace/" ? $"Namespace/{ns}" : id)
            .Concat(inClusterStores ? DevOnlyObjects : [])
            .Order();
        Assert.Equal(expected, objects.Select(Id).Order());
        Assert.All(objects.Where(o => Kind(o) != "Namespace"), o => Assert.Equal(ns, (string?)o["metadata"]!["namespace"]));
    }

    [Fact]
    public async Task Prod_Rendered_ScalesOutWithPinnedImageAndTls()
    {
        var objects = await DeployTools.RenderObjectsAsync("prod");

        var hpa = Single(objects, "HorizontalPodAutoscaler", "verity-api");
        Assert.Equal(3, (int)hpa["spec"]!["minReplicas"]!);
        Assert.Equal(12, (int)hpa["spec"]!["maxReplicas"]!);
        Assert.Equal("verity-api", (string)hpa["spec"]!["scaleTargetRef"]!["name"]!);
        // The autoscaler owns the API's replica count; an applied value would reset it on every deploy.
        Assert.Null(Single(objects, "Deployment", "verity-api")["spec"]!["replicas"]);
        Assert.Equal(3, (int)Single(objects, "Deployment", "verity-worker")["spec"]!["replicas"]!);
        var pdb = Single(objects, "PodDisruptionBudget", "verity-api");
        Assert.Equal(2, (int)pdb["spec"]!["minAvailable"]!);
        Assert.True((int)pdb["spec"]!["minAvailable"]! < (int)hpa["spec"]!["minReplicas"]!, "the budget must let one pod move");

        var images = objects.SelectMany(o => Containers(o)).Select(c => (string)c["image"]!).Distinct().ToList();
        var image = Assert.Single(images);
        Assert.Matches(@"^[\w.-]+(/[\w.-]+)+:\d+\.\d+\.\d+$", image);

        var ingress = Single(objects, "Ingress", "verity-api");
        var host = (string)ingress["spec"]!["rules"]![0]!["host"]!;
        var tls = Assert.Single(ingress["spec"]!["tls"]!.AsArray())!;
        Assert.Equal(host, (string)tls["hosts"]![0]!);
        Assert.Equal("verity-tls", (string)tls["secretName"]!);
    }

    [Fact]
    public async Task Dev_Rendered_RunsOneOfEachBesideInClusterStores()
    {
        var objects = await DeployTools.RenderObjectsAsync("dev");

        Assert.Equal(1, (int)Single(objects, "Deployment", "verity-worker")["spec"]!["replicas"]!);
        Assert.Equal(1, (int)Single(objects, "HorizontalPodAutoscaler", "verity-api")["spec"]!["minReplicas"]!);
        var pdb = Single(objects, "PodDisruptionBudget", "verity-api")["spec"]!;
        Assert.Null(pdb["minAvailable"]);
        Assert.Equal(1, (int)pdb["maxUnavailable"]!);
        Assert.True((bool)Single(objects, "CronJob", "verity-sync")["spec"]!["suspend"]!);
        Assert.All(
            objects.Where(o => PodLabels(o).GetValueOrDefault("app.kubernetes.io/name") == "verity").SelectMany(o => Containers(o)),
            c => Assert.Equal("verity:dev", (string)c["image"]!));

        // The in-cluster PostgreSQL runs the same init script as the compose stack.
        var init = objects.Single(o => Id(o) == "ConfigMap/verity-postgres-initdb");
        Assert.Equal(
            Repo.Read("deploy", "k8s", "overlays", "dev", "postgres", "initdb", "10-verity.sh"),
            (string)init["data"]!["10-verity.sh"]!);
        var compose = await DeployTools.YamlAsync("deploy", "compose", "compose.yaml");
        Assert.Contains(
            "../k8s/overlays/dev/postgres/initdb:/docker-entrypoint-initdb.d:ro",
            compose[0]!["services"]!["postgres"]!["volumes"]!.AsArray().Select(v => (string)v!));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Overlay_Rendered_MigratesInInitContainersBeforeVerityStarts(string overlay)
    {
        var objects = await DeployTools.RenderObjectsAsync(overlay);

        foreach (var name in new[] { "verity-api", "verity-worker" })
        {
            var pod = PodSpec(Single(objects, "Deployment", name))!;
            var migrate = Assert.Single(pod["initContainers"]!.AsArray())!;
            Assert.Equal(["migrate"], migrate["args"]!.AsArray().Select(a => (string)a!));
            Assert.Equal((string)pod["containers"]![0]!["image"]!, (string)migrate["image"]!);
        }

        var config = objects.Single(o => Id(o) == "ConfigMap/verity-config");
        Assert.Equal("false", (string)config["data"]!["Verity__Postgres__MigrateOnStart"]!);
        Assert.Equal("postgres", (string)config["data"]!["Verity__Store"]!);
        var api = Assert.Single(Containers(Single(objects, "Deployment", "verity-api"), includeInit: false));
        Assert.Equal(["serve", "--role", "api", "--urls", "http://0.0.0.0:8080"], api["args"]!.AsArray().Select(a => (string)a!));
        var worker = Assert.Single(Containers(Single(objects, "Deployment", "verity-worker"), includeInit: false));
        Assert.Equal("worker", (string)worker["args"]![0]!);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Overlay_Rendered_ProbesAndScrapesUseTheManagementPortNoServiceExposes(string overlay)
    {
        var objects = await DeployTools.RenderObjectsAsync(overlay);
        var config = objects.Single(o => Id(o) == "ConfigMap/verity-config");
        var port = int.Parse((string)config["data"]!["Verity__Telemetry__ManagementPort"]!);

        foreach (var name in new[] { "verity-api", "verity-worker" })
        {
            var deployment = Single(objects, "Deployment", name);
            var container = Assert.Single(Containers(deployment, includeInit: false));
            var management = container["ports"]!.AsArray().Single(p => (string?)p!["name"] == "management")!;
            Assert.Equal(port, (int)management["containerPort"]!);
            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
            {
                Assert.Equal("management", (string?)container[probe]!["httpGet"]!["port"]);
            }

            var annotations = deployment["spec"]!["template"]!["metadata"]!["annotations"]!;
            Assert.Equal("true", (string?)annotations["prometheus.io/scrape"]);
            Assert.Equal(port.ToString(), (string?)annotations["prometheus.io/port"]);
        }

        var api = Assert.Single(Containers(Single(objects, "Deployment", "verity-api"), includeInit: false));
        Assert.NotEqual(port, new Uri((string)api["args"]!.AsArray()[^1]!).Port);
        var service = Single(objects, "Service", "verity-api");
        Assert.All(service["spec"]!["ports"]!.AsArray(), p => Assert.Equal("http", (string?)p!["targetPort"]));
        var backends = Single(objects, "Ingress", "verity-api")["spec"]!["rules"]!.AsArray()
            .SelectMany(r => r!["http"]!["paths"]!.AsArray())
            .Select(p => (string?)p!["backend"]!["service"]!["port"]!["name"]);
        Assert.All(backends, b => Assert.Equal("http", b));
    }

    [GeneratedRegex(@"^(\d+) objects: (\d+) valid, 0 invalid$")]
    private static partial Regex SummaryLine();
}
