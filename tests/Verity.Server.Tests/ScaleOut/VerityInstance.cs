using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Verity.Storage.Conformance.Servers;

namespace Verity.Server.Tests.ScaleOut;

/// <summary>
/// One <c>verity</c> process of a deployment (an API replica, a worker, an embedded server, a one-off command), run
/// from the built program in a working directory of its own, with a clean <c>Verity__*</c> environment plus the
/// settings given. Its output is kept for the failure message; disposing kills it (SIGKILL) if it still runs.
/// </summary>
internal sealed class VerityInstance : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly string _workingDirectory;

    private VerityInstance(Process process, string workingDirectory, string name)
    {
        Process = process;
        _workingDirectory = workingDirectory;
        Name = name;
    }

    public Process Process { get; }

    public string Name { get; }

    /// <summary>Set for servers: a client on the replica's address.</summary>
    public HttpClient? Client { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static VerityInstance Start(string name, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var directory = Path.Combine(Path.GetTempPath(), "verity-scaleout", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "verity.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("Verity__", StringComparison.OrdinalIgnoreCase) || k == "VERITY_DATA").ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["COLUMNS"] = "200";
        info.Environment["Verity__RateLimits__Enabled"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var instance = new VerityInstance(process, directory, name);
        process.OutputDataReceived += (_, e) => instance.Append(e.Data);
        process.ErrorDataReceived += (_, e) => instance.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return instance;
    }

    /// <summary><c>verity serve --anonymous</c> on a free port; <see cref="WaitUntilReadyAsync"/> waits for it.</summary>
    public static VerityInstance StartServer(
        string name, string store, string role, IReadOnlyDictionary<string, string>? environment = null)
    {
        var url = $"http://127.0.0.1:{ExternalProcess.FreePort()}";
        var instance = Start(name, environment, "serve", "--anonymous", "--role", role, "--store", store, "--urls", url);
        instance.Client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        return instance;
    }

    /// <summary>Returns once <c>/readyz</c> answers 200; fails with the process's output if it exits or takes too long.</summary>
    public async Task<VerityInstance> WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(Process.HasExited, $"{Name} exited with {(Process.HasExited ? Process.ExitCode : 0)}:\n{Output}");
            try
            {
                using var response = await Client!.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return this;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(90), $"{Name} was not ready within 90 s:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Runs a command to its end; returns its exit code and standard output plus error.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string name, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        await using var instance = Start(name, environment, args);
        await instance.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        // The asynchronous readers deliver the last lines after the exit.
        instance.Process.WaitForExit();
        return (instance.Process.ExitCode, instance.Output);
    }

    /// <summary>SIGKILL: no shutdown hook, no lease handed back, a transaction cut mid-way.</summary>
    public void Kill()
    {
        Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
    }

    public async Task<JsonElement> PostJsonAsync(string path, object body)
    {
        using var response = await Client!.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{Name} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client!.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{Name} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
