using System.Globalization;
using Verity.Benchmarks.Synthetic;

namespace Verity.Benchmarks.ScaleOut;

internal sealed record ScaleOutOptions(
    int SizeMb, int Seed, IReadOnlyList<int> Workers, IReadOnlyList<int> Lanes, int Chunks, int Queries, string OutputDirectory, string CliPath)
{
    public const string Usage = """
        usage: Verity.Benchmarks scale-out [--size-mb 12] [--workers 1,2,4] [--lanes 1,2] [--chunks 10000] [--queries 300] [--seed N] [--out DIR] [--cli PATH]

          --size-mb  mixed corpus size in MB (the ingest benchmark's nine formats) for the worker runs (default 12)
          --workers  numbers of `verity worker` processes to time, each on a fresh PostgreSQL 15 database (default 1,2,4)
          --lanes    lanes per worker (Verity:Worker:Concurrency) to time each worker count with (default 1,2:
                     one lane each shows how throughput follows processes until the cores run out; two is the default)
          --chunks   synthetic index size for the search latency comparison of SQLite and PGlite (default 10000)
          --queries  timed queries per mode and store (default 300)
          --seed     corpus seed (default the benchmarks' shared seed)
          --out      folder for the corpus (reused while size and seed are unchanged) and scale-out.json / .md
                     (default bench/results/scale-out)
          --cli      verity.dll the workers run (default src/Verity.Cli/bin/Release/net10.0/verity.dll)
        """;

    public string CorpusDirectory => Path.Combine(OutputDirectory, "corpus");

    public string ManifestPath => Path.Combine(OutputDirectory, "corpus.json");

    public static ScaleOutOptions Parse(IReadOnlyList<string> args)
    {
        int sizeMb = 12, chunks = 10_000, queries = 300, seed = Defaults.Seed;
        IReadOnlyList<int> workers = [1, 2, 4];
        IReadOnlyList<int> lanes = [1, 2];
        var output = Path.Combine(RepositoryPaths.Results(), "scale-out");
        var cli = Path.GetFullPath(Path.Combine(RepositoryPaths.Results(), "..", "..", "src", "Verity.Cli", "bin", "Release", "net10.0", "verity.dll"));
        foreach (var (name, value) in OptionValues.Pairs(args))
        {
            switch (name)
            {
                case "--size-mb":
                    sizeMb = OptionValues.Positive(name, value);
                    break;
                case "--workers":
                    workers = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => OptionValues.Positive(name, v)).ToList();
                    break;
                case "--lanes":
                    lanes = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => OptionValues.Positive(name, v)).ToList();
                    break;
                case "--chunks":
                    chunks = OptionValues.Positive(name, value);
                    break;
                case "--queries":
                    queries = OptionValues.Positive(name, value);
                    break;
                case "--seed":
                    seed = int.TryParse(value, CultureInfo.InvariantCulture, out var s) ? s : throw new ArgumentException($"--seed: '{value}' is not a number.");
                    break;
                case "--out":
                    output = Path.GetFullPath(value);
                    break;
                case "--cli":
                    cli = Path.GetFullPath(value);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        return new ScaleOutOptions(sizeMb, seed, workers, lanes, chunks, queries, output, cli);
    }
}
