using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Verity.Deploy.Tests.Infrastructure;

/// <summary>The real tools CI uses on the deployment artefacts: <c>kubectl kustomize</c> and the node scripts of
/// deploy/k8s/validate. Renders are cached per overlay (they do not change during a run).</summary>
internal static class DeployTools
{
    public static readonly string ValidatorDirectory = Repo.Path("deploy", "k8s", "validate");

    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Renders = new();
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Reports = new();
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Yaml = new();
    private static readonly Lazy<Task> ValidatorPackages = new(InstallValidatorPackagesAsync);

    public static Task<string> RenderAsync(string overlay) =>
        Renders.GetOrAdd(overlay, o => new Lazy<Task<string>>(() => KustomizeAsync(o))).Value;

    /// <summary>The validator in its text mode: one line per object and a summary.</summary>
    public static async Task<ProcessResult> ValidateAsync(string manifests)
    {
        await ValidatorPackages.Value;
        return await NodeAsync(["validate.mjs"], manifests);
    }

    /// <summary>The validator's --json report: <c>objects[]</c> (apiVersion, kind, name, namespace, errors, object),
    /// <c>ok</c>, <c>failed</c>, <c>setErrors</c>.</summary>
    public static async Task<JsonObject> ValidateJsonAsync(string manifests)
    {
        await ValidatorPackages.Value;
        var result = await NodeAsync(["validate.mjs", "--json"], manifests);
        Assert.True(result.ExitCode is 0 or 1, result.ToString());
        return JsonNode.Parse(result.StandardOutput)!.AsObject();
    }

    /// <summary>The rendered objects of an overlay, as JSON read from the validator's report (one validator run per
    /// overlay; each call returns a fresh copy that the caller may change).</summary>
    public static async Task<IReadOnlyList<JsonObject>> RenderObjectsAsync(string overlay)
    {
        var report = await Reports.GetOrAdd(overlay, o => new Lazy<Task<string>>(async () =>
            (await ValidateJsonAsync(await RenderAsync(o))).ToJsonString())).Value;
        return JsonNode.Parse(report)!["objects"]!.AsArray().Select(o => o!["object"]!.AsObject()).ToList();
    }

    /// <summary>A YAML file's documents, parsed strictly by deploy/k8s/validate/yaml-to-json.mjs (once per file; each
    /// call returns a fresh copy).</summary>
    public static async Task<JsonArray> YamlAsync(params string[] repoPath)
    {
        var path = Repo.Path(repoPath);
        var json = await Yaml.GetOrAdd(path, p => new Lazy<Task<string>>(async () =>
        {
            await ValidatorPackages.Value;
            var result = await NodeAsync(["yaml-to-json.mjs", p]);
            Assert.True(result.ExitCode == 0, $"{p} is not valid YAML: {result}");
            return result.StandardOutput;
        })).Value;
        return JsonNode.Parse(json)!.AsArray();
    }

    /// <summary>deploy/k8s/validate/promql.mjs over rule files and dashboards.</summary>
    public static async Task<ProcessResult> PromQlAsync(params string[] files)
    {
        await ValidatorPackages.Value;
        return await NodeAsync(["promql.mjs", "--json", .. files]);
    }

    private static async Task<string> KustomizeAsync(string overlay)
    {
        var result = await ProcessRunner.RunAsync("kubectl", ["kustomize", Repo.Path("deploy", "k8s", "overlays", overlay)], Repo.Root);
        Assert.True(result.ExitCode == 0, $"kubectl kustomize deploy/k8s/overlays/{overlay} failed: {result}");
        return result.StandardOutput;
    }

    private static Task<ProcessResult> NodeAsync(IEnumerable<string> arguments, string? input = null) =>
        ProcessRunner.RunAsync("node", arguments, ValidatorDirectory, input);

    private static async Task InstallValidatorPackagesAsync()
    {
        if (Directory.Exists(System.IO.Path.Combine(ValidatorDirectory, "node_modules", "@kubernetes-models", "validate")))
        {
            return;
        }

        var install = await ProcessRunner.RunAsync(
            "npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], ValidatorDirectory, timeout: TimeSpan.FromMinutes(3));
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException(
                "deploy/k8s/validate/node_modules is missing and `npm ci` there failed. scripts/test.sh installs it " +
                $"with (cd deploy/k8s/validate && npm ci --no-audit --no-fund --loglevel=error).\n{install}");
        }
    }
}
