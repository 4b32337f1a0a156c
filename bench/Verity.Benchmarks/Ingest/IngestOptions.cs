using System.Globalization;
using Verity.Benchmarks.Synthetic;

namespace Verity.Benchmarks.Ingest;

internal sealed record IngestOptions(int SizeMb, int Seed, int Runs, int? Lanes, string OutputDirectory, string? CliPath)
{
    public const string Usage = """
        usage: Verity.Benchmarks ingest [--size-mb 80] [--runs 3] [--lanes N] [--seed N] [--out DIR] [--cli PATH|none]

          --size-mb  corpus size in MB (10^6 bytes), split evenly over the nine formats (default 80)
          --runs     whole-corpus in-process runs, each into a fresh index; the median is reported (default 3)
          --lanes    worker lanes (Verity:Worker:Concurrency) for the in-process runs (default the product's, 2)
          --seed     corpus seed (default the benchmarks' shared seed)
          --out      folder for the corpus (reused while size, seed and generator are unchanged) and for
                     ingest.json / ingest.md (ingest-N-lanes.* with --lanes; default bench/results/ingest)
          --cli      verity.dll to time as a process on the same corpus (default
                     src/Verity.Cli/bin/Release/net10.0/verity.dll; 'none' skips it)
        """;

    public string CorpusDirectory => Path.Combine(OutputDirectory, "corpus");

    public string ManifestPath => Path.Combine(OutputDirectory, "corpus.json");

    public static IngestOptions Parse(IReadOnlyList<string> args)
    {
        int sizeMb = 80, runs = 3, seed = Defaults.Seed;
        int? lanes = null;
        var output = Path.Combine(RepositoryPaths.Results(), "ingest");
        string? cli = Path.GetFullPath(Path.Combine(RepositoryPaths.Results(), "..", "..", "src", "Verity.Cli", "bin", "Release", "net10.0", "verity.dll"));
        foreach (var (name, value) in OptionValues.Pairs(args))
        {
            switch (name)
            {
                case "--size-mb":
                    sizeMb = OptionValues.Positive(name, value);
                    break;
                case "--runs":
                    runs = OptionValues.Positive(name, value);
                    break;
                case "--lanes":
                    lanes = OptionValues.Positive(name, value);
                    break;
                case "--seed":
                    seed = int.TryParse(value, CultureInfo.InvariantCulture, out var s) ? s : throw new ArgumentException($"--seed: '{value}' is not a number.");
                    break;
                case "--out":
                    output = Path.GetFullPath(value);
                    break;
                case "--cli":
                    cli = value == "none" ? null : Path.GetFullPath(value);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        return new IngestOptions(sizeMb, seed, runs, lanes, output, cli);
    }
}
