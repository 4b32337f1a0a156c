using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Verity.Benchmarks.Synthetic;

namespace Verity.Benchmarks.Ingest;

/// <summary>One <c>verity ingest --json</c> process: wall time as a user sees it (process start, JIT and tokenizer
/// load included), the elapsed time the command reports itself, chunks, and the process's peak resident set.</summary>
internal sealed record CliRun(double WallSeconds, double ReportedSeconds, int Added, int Chunks, int Failed, long PeakRssBytes);

internal sealed record CliResult(string Command, CliRun First, CliRun Unchanged);

/// <summary>Times <c>dotnet verity.dll ingest &lt;corpus&gt; --data &lt;fresh dir&gt; --json</c> twice: a cold process on
/// an empty index, then again with nothing changed.</summary>
internal static class CliProcess
{
    public static async Task<CliResult> RunAsync(string cliPath, string corpus, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"verity-ingest-cli-{Guid.NewGuid():N}");
        // A working directory of its own: the CLI reads appsettings.json from the current directory.
        Directory.CreateDirectory(dataDirectory);
        try
        {
            var first = await RunOnceAsync(cliPath, corpus, dataDirectory, cancellationToken).ConfigureAwait(false);
            var unchanged = await RunOnceAsync(cliPath, corpus, dataDirectory, cancellationToken).ConfigureAwait(false);
            return new CliResult($"dotnet {cliPath} ingest {corpus} --data <empty dir> --json", first, unchanged);
        }
        finally
        {
            SyntheticIndex.Delete(dataDirectory);
        }
    }

    private static async Task<CliRun> RunOnceAsync(string cliPath, string corpus, string dataDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { cliPath, "ingest", corpus, "--data", Path.Combine(dataDirectory, "data"), "--json" })
        {
            start.ArgumentList.Add(argument);
        }

        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        long peak = 0;
        while (!process.WaitForExit(20))
        {
            peak = Math.Max(peak, HighWaterMark(process.Id));
        }

        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var json = await output.ConfigureAwait(false);
        if (process.ExitCode is not (0 or 1))
        {
            throw new InvalidOperationException($"verity ingest exited with {process.ExitCode}: {await errors.ConfigureAwait(false)}");
        }

        using var summary = JsonDocument.Parse(json);
        var root = summary.RootElement;
        return new CliRun(
            wall,
            TimeSpan.Parse(root.GetProperty("elapsed").GetString()!, CultureInfo.InvariantCulture).TotalSeconds,
            root.GetProperty("added").GetInt32(),
            root.GetProperty("chunks_embedded").GetInt32(),
            root.GetProperty("failed").GetArrayLength(),
            peak);
    }

    /// <summary>VmHWM of a running process: its peak resident set so far (0 once it is gone).</summary>
    private static long HighWaterMark(int processId)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
