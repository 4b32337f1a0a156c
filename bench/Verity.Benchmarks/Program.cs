using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Verity.Benchmarks.Chat;
using Verity.Benchmarks.Ingest;
using Verity.Benchmarks.Scale;
using Verity.Benchmarks.ScaleOut;

namespace Verity.Benchmarks;

public static class Program
{
    /// <summary><c>scale [options]</c> runs the scale benchmark, <c>ingest [options]</c> the mixed-corpus
    /// ingestion benchmark, <c>scale-out [options]</c> the PostgreSQL workers and PGlite
    /// search benchmark, <c>chat [options]</c> the answer path with scripted models (slow, failing, hanging);
    /// anything else goes to BenchmarkDotNet (e.g. <c>--filter '*' --job short</c>).</summary>
    public static int Main(string[] args)
    {
        if (args is ["scale", ..])
        {
            return ScaleBenchmark.Run(args[1..]);
        }

        if (args is ["ingest", ..])
        {
            return IngestBenchmark.Run(args[1..]);
        }

        if (args is ["scale-out", ..])
        {
            return ScaleOutBenchmark.Run(args[1..]);
        }

        if (args is ["chat", ..])
        {
            return ChatBenchmark.Run(args[1..]);
        }

        // In-process: the default toolchain generates and builds a child project that rebuilds Verity.Core and
        // Verity.Sqlite into their own bin/obj folders, which races with other builds of the repository and
        // ignores --artifacts-path. Running in this process measures the binaries that were just built.
        if (!args.Any(a => a is "--inProcess" or "-i"))
        {
            args = [.. args, "--inProcess"];
        }

        var config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(RepositoryPaths.Results(), "BenchmarkDotNet.Artifacts"));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
