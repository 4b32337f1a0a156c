using System.Text.Json.Nodes;
using Verity.Deploy.Tests.Infrastructure;
using static Verity.Deploy.Tests.Infrastructure.Manifests;

namespace Verity.Deploy.Tests;

/// <summary>What the rendered NetworkPolicies allow, worked out with Kubernetes' selector semantics over the rendered
/// workloads: everything is denied unless allowed, and only Verity's pods reach the database and the cache.</summary>
public sealed class NetworkPolicyTests
{
    private static readonly string[] VerityWorkloads = ["verity-api", "verity-sync", "verity-worker"];

    [Theory]
    [InlineData("dev", 5432)]
    [InlineData("dev", 6379)]
    [InlineData("prod", 5432)]
    [InlineData("prod", 6379)]
    public async Task Overlay_EgressToDatastorePort_IsAllowedForVerityWorkloadsOnly(string overlay, int port)
    {
        var objects = await DeployTools.RenderObjectsAsync(overlay);
        var policies = objects.Where(o => Kind(o) == "NetworkPolicy").ToList();

        var allowed = Workloads(objects)
            .Where(w => policies.Any(p => Selects(p["spec"]!["podSelector"], PodLabels(w)) && AllowsPort(p["spec"]!["egress"], port)))
            .Select(Name)
            .Order();

        Assert.Equal(VerityWorkloads, allowed);
        Assert.Contains(policies, IsDefaultDeny);
    }

    [Fact]
    public async Task Dev_InClusterDatastores_AcceptVerityWorkloadsOnly()
    {
        var objects = await DeployTools.RenderObjectsAsync("dev");
        var policies = objects.Where(o => Kind(o) == "NetworkPolicy").ToList();

        foreach (var (store, port) in new[] { ("verity-postgres", 5432), ("verity-redis", 6379) })
        {
            var target = Workloads(objects).Single(w => Name(w) == store);
            var rules = policies.Where(p => Selects(p["spec"]!["podSelector"], PodLabels(target)))
                .SelectMany(p => p["spec"]!["ingress"]?.AsArray() ?? [])
                .ToList();
            Assert.NotEmpty(rules);
            Assert.All(rules, rule => Assert.True(AllowsPort(new JsonArray(rule!.DeepClone()), port)));
            var peers = rules.SelectMany(r => r!["from"]!.AsArray()).ToList();
            Assert.All(peers, peer => Assert.Null(peer!["namespaceSelector"] ?? peer["ipBlock"]));
            var admitted = Workloads(objects).Where(w => peers.Any(peer => Selects(peer!["podSelector"], PodLabels(w)))).Select(Name).Order();
            Assert.Equal(VerityWorkloads, admitted);
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Overlay_ApiIngress_ComesFromTheIngressControllerAndMonitoringOnly(string overlay)
    {
        var objects = await DeployTools.RenderObjectsAsync(overlay);
        var api = Single(objects, "Deployment", "verity-api");

        var peers = objects.Where(o => Kind(o) == "NetworkPolicy" && Selects(o["spec"]!["podSelector"], PodLabels(api)))
            .SelectMany(p => p["spec"]!["ingress"]?.AsArray() ?? [])
            .SelectMany(r => r!["from"]!.AsArray())
            .Select(peer => (string?)peer!["namespaceSelector"]?["matchLabels"]?["kubernetes.io/metadata.name"])
            .Order();

        Assert.Equal(["ingress-nginx", "monitoring"], peers);
    }

    [Theory]
    [InlineData("dev", "verity-api")]
    [InlineData("dev", "verity-worker")]
    [InlineData("prod", "verity-api")]
    [InlineData("prod", "verity-worker")]
    public async Task Overlay_Monitoring_ReachesTheManagementPortOnlyAndTheIngressControllerNever(string overlay, string workload)
    {
        var objects = await DeployTools.RenderObjectsAsync(overlay);
        var deployment = Single(objects, "Deployment", workload);
        var container = Containers(deployment, includeInit: false).First();
        var management = (int)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == "management")!["containerPort"]!;

        var rules = objects.Where(o => Kind(o) == "NetworkPolicy" && Selects(o["spec"]!["podSelector"], PodLabels(deployment)))
            .SelectMany(p => p["spec"]!["ingress"]?.AsArray() ?? [])
            .ToList();
        int[] PortsFrom(string ns) => [.. rules
            .Where(r => r!["from"]!.AsArray().Any(peer => (string?)peer!["namespaceSelector"]?["matchLabels"]?["kubernetes.io/metadata.name"] == ns))
            .SelectMany(r => r!["ports"]!.AsArray().Select(p => (int)p!["port"]!))
            .Distinct()];

        Assert.Equal([management], PortsFrom("monitoring"));
        Assert.DoesNotContain(management, PortsFrom("ingress-nginx"));
        // Every rule names its ports: a rule without ports would open the management port to its peers as well.
        Assert.All(rules, rule => Assert.NotNull(rule!["ports"]));
    }

    private static bool IsDefaultDeny(JsonObject policy)
    {
        var spec = policy["spec"]!;
        return spec["podSelector"]!.AsObject().Count == 0
            && spec["policyTypes"]!.AsArray().Select(t => (string)t!).Order().SequenceEqual(["Egress", "Ingress"])
            && spec["ingress"] is null && spec["egress"] is null;
    }

    // A rule list allows the port when a rule lists it, or lists no ports at all (every port).
    private static bool AllowsPort(JsonNode? rules, int port) =>
        (rules?.AsArray() ?? []).Any(rule => rule!["ports"] is not JsonArray ports || ports.Any(p => (int?)p!["port"] == port));
}
