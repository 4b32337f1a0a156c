namespace Verity.Benchmarks.Scale;

internal sealed record ScaleOptions(IReadOnlyList<int> Sizes, int Queries, int Warmup, int Dimensions, string OutputDirectory)
{
    public const string Usage = """
        usage: Verity.Benchmarks scale [--sizes 10000,100000,1000000] [--queries 200] [--warmup 20] [--dims 512] [--out DIR]

          --sizes    index sizes in chunks, comma-separated (default 10000,100000,1000000)
          --queries  timed queries per search mode and size (default 200)
          --warmup   untimed queries per mode before timing (default 20)
          --dims     hashing-embedder dimensions (default 512, the product default)
          --out      folder for scale.json and scale.md (default bench/results)
        """;

    public static ScaleOptions Parse(IReadOnlyList<string> args)
    {
        var sizes = new List<int> { 10_000, 100_000, 1_000_000 };
        int queries = 200, warmup = 20, dimensions = 512;
        var output = RepositoryPaths.Results();
        foreach (var (name, value) in OptionValues.Pairs(args))
        {
            switch (name)
            {
                case "--sizes":
                    sizes = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(s => OptionValues.Positive(name, s.Replace("_", "", StringComparison.Ordinal)))];
                    break;
                case "--queries":
                    queries = OptionValues.Positive(name, value);
                    break;
                case "--warmup":
                    warmup = OptionValues.NotNegative(name, value);
                    break;
                case "--dims":
                    dimensions = OptionValues.Positive(name, value);
                    break;
                case "--out":
                    output = Path.GetFullPath(value);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        if (sizes.Count == 0)
        {
            throw new ArgumentException("--sizes must name at least one size.");
        }

        return new ScaleOptions(sizes, queries, warmup, dimensions, output);
    }
}
