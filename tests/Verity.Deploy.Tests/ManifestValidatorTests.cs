using System.Text.Json.Nodes;
using Verity.Deploy.Tests.Infrastructure;
using static Verity.Deploy.Tests.Infrastructure.Manifests;

namespace Verity.Deploy.Tests;

/// <summary>The validator fails a broken manifest: the dev overlay is rendered, one object is broken in a copy, and
/// the validator must reject exactly that object with a message that says what is wrong.</summary>
public sealed class ManifestValidatorTests
{
    private const string Api = "apps/v1/Deployment verity-dev/verity-api";
    private const string Worker = "apps/v1/Deployment verity-dev/verity-worker";
    private const string Ingress = "networking.k8s.io/v1/Ingress verity-dev/verity-api";

    public static TheoryData<string, string, string> Breakages => new()
    {
        { "replicas-not-an-integer", Worker, "schema: /spec/replicas must be integer" },
        { "container-without-name", Api, "must have required property name" },
        { "secret-env-as-literal", Worker, "env Llm__ApiKey looks like a secret: it must come from a Secret (valueFrom.secretKeyRef), not a literal value" },
        { "connection-string-in-configmap", "v1/ConfigMap verity-dev/verity-config-", "ConfigMap key Verity__Postgres__ConnectionString looks like a secret" },
        { "credential-in-env-value", Api, "env Verity__Extra holds a credential in its value" },
        { "writable-root-filesystem", Api, "container \"api\": securityContext.readOnlyRootFilesystem must be true" },
        { "capabilities-kept", Worker, "securityContext.capabilities.drop must include ALL" },
        { "runs-as-root", Api, "securityContext.runAsNonRoot must be true" },
        { "missing-limits", "batch/v1/CronJob verity-dev/verity-sync", "container \"sync\": resources.limits.cpu is missing" },
        { "missing-readiness-probe", Worker, "container \"worker\": readinessProbe is missing" },
        { "replicas-on-autoscaled-deployment", Api, "spec.replicas is set, but HorizontalPodAutoscaler verity-api owns the replica count" },
        { "removed-api-version", "autoscaling/v2beta2/HorizontalPodAutoscaler verity-dev/verity-api", "unknown apiVersion/kind autoscaling/v2beta2/HorizontalPodAutoscaler" },
        { "rendered-secret", "v1/Secret verity-dev/verity-secrets", "a Secret is rendered" },
        { "latest-image", Worker, "uses the tag latest" },
        { "service-selects-nothing", "v1/Service verity-dev/verity-api", "spec.selector matches the pods of no rendered workload" },
        { "missing-namespace", "v1/ServiceAccount verity", "metadata.namespace is missing" },
        { "probe-off-the-management-port", Api, "container \"api\": readinessProbe targets port http: the probes answer on the management port only" },
        { "scrape-off-the-management-port", Worker, "pod annotation prometheus.io/port is 8080: /metrics answers on the management port (8081) only" },
        { "ingress-to-the-management-port", Ingress, "backend verity-api:management reaches the pods' management port" },
        { "ingress-to-the-management-port-number", Ingress, "backend verity-api:ops reaches the pods' management port" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task Validate_OneBrokenObject_FailsNamingThatObject(string breakage, string objectId, string message)
    {
        var objects = await DeployTools.RenderObjectsAsync("dev");
        var broken = objects.Select(o => o.DeepClone().AsObject()).ToList();
        Break(breakage, broken);

        var result = await DeployTools.ValidateAsync(ToYaml(broken));

        Assert.Equal(1, result.ExitCode);
        var failures = result.StandardOutput.Split('\n').Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).ToList();
        var failure = Assert.Single(failures);
        Assert.StartsWith($"FAIL  {objectId}", failure, StringComparison.Ordinal);
        Assert.Contains(message, failure, StringComparison.Ordinal);
        Assert.EndsWith($"{broken.Count - 1} valid, 1 invalid", result.StandardOutput.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_WithoutDefaultDenyPolicy_FailsTheWholeSet()
    {
        var objects = (await DeployTools.RenderObjectsAsync("dev")).Where(o => Id(o) != "NetworkPolicy/verity-default-deny").ToList();

        var result = await DeployTools.ValidateAsync(ToYaml(objects));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  (all objects): policy: no default-deny NetworkPolicy", result.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind: Deployment\nmetadata: [unclosed\n", "invalid YAML")]
    [InlineData("", "no Kubernetes objects in the input")]
    public async Task Validate_UnusableInput_ExitsWithTwo(string input, string message)
    {
        var result = await DeployTools.ValidateAsync(input);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    private static void Break(string breakage, List<JsonObject> objects)
    {
        JsonObject Find(string kind, string name) => objects.Single(o => Kind(o) == kind && Name(o) == name);
        JsonObject Container(string kind, string name) => Containers(Find(kind, name), includeInit: false).First();
        var api = Container("Deployment", "verity-api");
        var worker = Container("Deployment", "verity-worker");
        switch (breakage)
        {
            case "replicas-not-an-integer":
                Find("Deployment", "verity-worker")["spec"]!["replicas"] = "two";
                break;
            case "container-without-name":
                api.Remove("name");
                break;
            case "secret-env-as-literal":
                worker["env"]!.AsArray().Add(new JsonObject { ["name"] = "Llm__ApiKey", ["value"] = "sk-not-a-real-key" });
                break;
            case "connection-string-in-configmap":
                objects.Single(o => Id(o) == "ConfigMap/verity-config")["data"]!["Verity__Postgres__ConnectionString"] = "Host=db;Username=verity;Password=hunter2";
                break;
            case "credential-in-env-value":
                api["env"]!.AsArray().Add(new JsonObject { ["name"] = "Verity__Extra", ["value"] = "postgres://verity:hunter2@db:5432/verity" });
                break;
            case "writable-root-filesystem":
                api["securityContext"]!["readOnlyRootFilesystem"] = false;
                break;
            case "capabilities-kept":
                worker["securityContext"]!.AsObject().Remove("capabilities");
                break;
            case "runs-as-root":
                api["securityContext"]!.AsObject().Remove("runAsNonRoot");
                PodSpec(Find("Deployment", "verity-api"))!["securityContext"]!.AsObject().Remove("runAsNonRoot");
                break;
            case "missing-limits":
                Container("CronJob", "verity-sync")["resources"]!.AsObject().Remove("limits");
                break;
            case "missing-readiness-probe":
                worker.Remove("readinessProbe");
                break;
            case "replicas-on-autoscaled-deployment":
                Find("Deployment", "verity-api")["spec"]!["replicas"] = 3;
                break;
            case "removed-api-version":
                Find("HorizontalPodAutoscaler", "verity-api")["apiVersion"] = "autoscaling/v2beta2";
                break;
            case "rendered-secret":
                objects.Add(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Secret",
                    ["metadata"] = new JsonObject { ["name"] = "verity-secrets", ["namespace"] = "verity-dev" },
                    ["stringData"] = new JsonObject { ["auth-signing-key"] = "not-a-real-key-but-long-enough-0123456789" },
                });
                break;
            case "latest-image":
                worker["image"] = "verity:latest";
                break;
            case "service-selects-nothing":
                Find("Service", "verity-api")["spec"]!["selector"]!["app.kubernetes.io/component"] = "apii";
                break;
            case "missing-namespace":
                Find("ServiceAccount", "verity")["metadata"]!.AsObject().Remove("namespace");
                break;
            case "probe-off-the-management-port":
                api["readinessProbe"]!["httpGet"]!["port"] = "http";
                break;
            case "scrape-off-the-management-port":
                Find("Deployment", "verity-worker")["spec"]!["template"]!["metadata"]!["annotations"]!["prometheus.io/port"] = "8080";
                break;
            case "ingress-to-the-management-port":
                ExposeOnTheIngress(new JsonObject { ["name"] = "management", ["port"] = 8081, ["targetPort"] = "management" });
                break;
            case "ingress-to-the-management-port-number":
                // Under another name and by number: still the pods' management port.
                ExposeOnTheIngress(new JsonObject { ["name"] = "ops", ["port"] = 9000, ["targetPort"] = 8081 });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }

        // A second Service port, and the Ingress routed to it instead of the API port.
        void ExposeOnTheIngress(JsonObject port)
        {
            Find("Service", "verity-api")["spec"]!["ports"]!.AsArray().Add(port);
            Find("Ingress", "verity-api")["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["port"] = new JsonObject { ["name"] = (string)port["name"]! };
        }
    }

    // JSON is YAML: the objects go back to the validator as a multi-document stream.
    private static string ToYaml(IEnumerable<JsonObject> objects) => string.Join("\n---\n", objects.Select(o => o.ToJsonString()));
}
