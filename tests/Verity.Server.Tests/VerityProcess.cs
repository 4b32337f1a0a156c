using System.Diagnostics;

namespace Verity.Server.Tests;

/// <summary>The <c>verity</c> program run as a separate process, the way a user runs it.</summary>
internal static class VerityProcess
{
    /// <returns>The exit code, standard output alone (what <c>--json</c> promises to keep clean) and both streams.</returns>
    public static async Task<(int ExitCode, string Output, string All)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout, await stdout + await stderr);
    }

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(CliAssembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["COLUMNS"] = "200";
        return Process.Start(info)!;
    }

    // The verity program, copied beside the tests by the project reference (with its runtimeconfig and demo corpus).
    private static string CliAssembly
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "verity.dll");
            Assert.True(File.Exists(path), $"{path} is missing; build the solution first.");
            return path;
        }
    }
}
