using System.Text.Json.Nodes;

namespace Verity.Deploy.Tests.Infrastructure;

/// <summary>Reading rendered Kubernetes objects (as JSON nodes): lookups, pod specs and label selectors.</summary>
internal static class Manifests
{
    public static string Kind(JsonObject o) => (string)o["kind"]!;

    public static string Name(JsonObject o) => (string)o["metadata"]!["name"]!;

    /// <summary>Kind/name, with the content hash kustomize appends to generated ConfigMaps removed.</summary>
    public static string Id(JsonObject o)
    {
        var name = Name(o);
        if (Kind(o) == "ConfigMap" && name.Length > 11 && name[^11] == '-')
        {
            name = name[..^11];
        }

        return $"{Kind(o)}/{name}";
    }

    public static JsonObject Single(IEnumerable<JsonObject> objects, string kind, string name) =>
        Assert.Single(objects, o => Kind(o) == kind && Name(o) == name);

    public static JsonObject? PodSpec(JsonObject o) => Kind(o) switch
    {
        "Deployment" or "StatefulSet" or "DaemonSet" or "Job" => o["spec"]?["template"]?["spec"]?.AsObject(),
        "CronJob" => o["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]?.AsObject(),
        _ => null,
    };

    public static IReadOnlyDictionary<string, string> PodLabels(JsonObject o)
    {
        var labels = Kind(o) == "CronJob"
            ? o["spec"]?["jobTemplate"]?["spec"]?["template"]?["metadata"]?["labels"]
            : o["spec"]?["template"]?["metadata"]?["labels"];
        return labels?.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!) ?? [];
    }

    public static IEnumerable<JsonObject> Containers(JsonObject o, bool includeInit = true)
    {
        var pod = PodSpec(o);
        if (pod is null)
        {
            return [];
        }

        var init = includeInit ? pod["initContainers"]?.AsArray() ?? [] : [];
        return init.Concat(pod["containers"]?.AsArray() ?? []).Select(c => c!.AsObject());
    }

    public static IEnumerable<JsonObject> Workloads(IEnumerable<JsonObject> objects) => objects.Where(o => PodSpec(o) is not null);

    /// <summary>Kubernetes label-selector semantics: matchLabels and matchExpressions (In, NotIn, Exists,
    /// DoesNotExist); an empty selector selects everything.</summary>
    public static bool Selects(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return false;
        }

        foreach (var (key, value) in selector["matchLabels"]?.AsObject() ?? [])
        {
            if (!labels.TryGetValue(key, out var actual) || actual != (string)value!)
            {
                return false;
            }
        }

        foreach (var expression in selector["matchExpressions"]?.AsArray() ?? [])
        {
            var key = (string)expression!["key"]!;
            var values = expression["values"]?.AsArray().Select(v => (string)v!).ToHashSet() ?? [];
            var has = labels.TryGetValue(key, out var actual);
            var holds = (string)expression["operator"]! switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                var other => throw new InvalidOperationException($"unknown selector operator {other}"),
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }
}
