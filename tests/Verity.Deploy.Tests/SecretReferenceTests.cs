using System.Text.Json.Nodes;
using Verity.Deploy.Tests.Infrastructure;
using static Verity.Deploy.Tests.Infrastructure.Manifests;

namespace Verity.Deploy.Tests;

/// <summary>No secret value is in the repository: the overlays reference keys of the Secret verity-secrets, which
/// docs/deployment.md tells the operator how to create.</summary>
public sealed class SecretReferenceTests
{
    [Theory]
    [InlineData("dev", new[] { "auth-signing-key", "llm-api-key", "llm-embeddings-api-key", "postgres-connection-string", "postgres-password", "redis-connection-string", "redis-password", "verity-db-password" })]
    [InlineData("prod", new[] { "auth-signing-key", "llm-api-key", "llm-embeddings-api-key", "postgres-connection-string", "redis-connection-string" })]
    public async Task Overlay_Rendered_ReferencesSecretKeysOnlyAndDocumentsThem(string overlay, string[] expectedKeys)
    {
        var objects = await DeployTools.RenderObjectsAsync(overlay);

        Assert.DoesNotContain(objects, o => Kind(o) == "Secret");
        var references = objects.SelectMany(o => Containers(o))
            .SelectMany(c => c["env"]?.AsArray() ?? [])
            .Select(e => e!["valueFrom"]?["secretKeyRef"])
            .OfType<JsonNode>()
            .ToList();
        Assert.All(references, r => Assert.Equal("verity-secrets", (string)r["name"]!));
        var keys = references.Select(r => (string)r["key"]!).Distinct().Order().ToArray();
        Assert.Equal(expectedKeys, keys);

        var docs = Repo.Read("docs", "deployment.md");
        Assert.All(keys, key => Assert.Contains($"--from-literal={key}=", docs));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Overlay_VerityContainers_TakeEverySecretSettingFromTheSecret(string overlay)
    {
        var objects = await DeployTools.RenderObjectsAsync(overlay);

        var verity = objects.Where(o => PodLabels(o).GetValueOrDefault("app.kubernetes.io/name") == "verity").ToList();
        Assert.Equal(3, verity.Count);
        foreach (var workload in verity)
        {
            foreach (var container in Containers(workload))
            {
                var env = (container["env"]?.AsArray() ?? []).ToDictionary(e => (string)e!["name"]!, e => e!);
                Assert.Equal("postgres-connection-string", (string)env["Verity__Postgres__ConnectionString"]!["valueFrom"]!["secretKeyRef"]!["key"]!);
                Assert.DoesNotContain(env.Values, e => ((string?)e!["value"])?.Contains("password", StringComparison.OrdinalIgnoreCase) == true);
            }
        }

        var api = Assert.Single(Containers(Single(objects, "Deployment", "verity-api"), includeInit: false));
        var apiEnv = api["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!["valueFrom"]?["secretKeyRef"]);
        Assert.Equal("auth-signing-key", (string)apiEnv["Auth__SigningKey"]!["key"]!);
        Assert.Equal("redis-connection-string", (string)apiEnv["Verity__Cache__Redis"]!["key"]!);
        Assert.Equal("llm-api-key", (string)apiEnv["Llm__ApiKey"]!["key"]!);
    }
}
