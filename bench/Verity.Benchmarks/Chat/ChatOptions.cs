namespace Verity.Benchmarks.Chat;

/// <param name="Questions">How many questions of demo/questions.jsonl each scenario asks (from the first).</param>
/// <param name="ModelLatency">The fake model's pause before it sends anything.</param>
/// <param name="Chunks">Content chunks a scripted answer is streamed in.</param>
/// <param name="ChunkDelay">Pause before each chunk after the first.</param>
/// <param name="Interval">Least time between the starts of two requests in the failure scenarios, so that the
/// circuit breaker sees traffic spread over time, as it would in service, rather than a burst.</param>
/// <param name="Timeout">Every model endpoint's per-attempt timeout (Llm:Timeout).</param>
/// <param name="BreakDuration">Every model endpoint's circuit break (Llm:BreakDuration).</param>
/// <param name="MaxRetries">Every model endpoint's retries (Llm:MaxRetries); null keeps the product default.</param>
internal sealed record ChatOptions(
    int Questions,
    TimeSpan ModelLatency,
    int Chunks,
    TimeSpan ChunkDelay,
    TimeSpan Interval,
    TimeSpan Timeout,
    TimeSpan BreakDuration,
    int? MaxRetries,
    string OutputDirectory,
    string? JsonPath)
{
    public const string Usage = """
        usage: Verity.Benchmarks chat [--questions 75] [--model-latency-ms 150] [--chunks 12] [--chunk-delay-ms 10]
                                      [--interval-ms 100] [--timeout-ms 1000] [--break-ms 5000] [--retries N]
                                      [--json PATH] [--out DIR]

          --questions         questions of demo/questions.jsonl asked per scenario, from the first (default: all 75)
          --model-latency-ms  the fake model's pause before its first byte (default 150)
          --chunks            content chunks each scripted answer is streamed in (default 12)
          --chunk-delay-ms    pause before each chunk after the first (default 10)
          --interval-ms       least time between request starts in the failure scenarios (default 100)
          --timeout-ms        Llm:Timeout of every model endpoint, per attempt (default 1000; the product default is 30 s)
          --break-ms          Llm:BreakDuration of every model endpoint (default 5000; the product default is 30 s)
          --retries           Llm:MaxRetries of every model endpoint (default: the product default, 2)
          --json              where to write the machine-readable report (default OUT/chat.json)
          --out               folder for chat.md and chat.json (default bench/results)
        """;

    public const int DefaultQuestions = 75;

    public string MarkdownPath => Path.Combine(OutputDirectory, "chat.md");

    public string ReportJsonPath => JsonPath ?? Path.Combine(OutputDirectory, "chat.json");

    public static ChatOptions Parse(IReadOnlyList<string> args)
    {
        int questions = DefaultQuestions, latency = 150, chunks = 12, chunkDelay = 10, interval = 100, timeout = 1000, breakMs = 5000;
        var output = RepositoryPaths.Results();
        string? json = null;
        int? retries = null;
        foreach (var (name, value) in OptionValues.Pairs(args))
        {
            switch (name)
            {
                case "--questions":
                    questions = OptionValues.Positive(name, value);
                    break;
                case "--model-latency-ms":
                    latency = OptionValues.NotNegative(name, value);
                    break;
                case "--chunks":
                    chunks = OptionValues.Positive(name, value);
                    break;
                case "--chunk-delay-ms":
                    chunkDelay = OptionValues.NotNegative(name, value);
                    break;
                case "--interval-ms":
                    interval = OptionValues.NotNegative(name, value);
                    break;
                case "--timeout-ms":
                    timeout = OptionValues.Positive(name, value);
                    break;
                case "--break-ms":
                    // Polly refuses a break shorter than half a second.
                    breakMs = OptionValues.Positive(name, value) is var b and >= 500 ? b : throw new ArgumentException("--break-ms must be at least 500.");
                    break;
                case "--retries":
                    retries = OptionValues.NotNegative(name, value) is var r and <= 10 ? r : throw new ArgumentException("--retries must be between 0 and 10.");
                    break;
                case "--json":
                    json = Path.GetFullPath(value);
                    break;
                case "--out":
                    output = Path.GetFullPath(value);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        return new ChatOptions(
            questions,
            TimeSpan.FromMilliseconds(latency),
            chunks,
            TimeSpan.FromMilliseconds(chunkDelay),
            TimeSpan.FromMilliseconds(interval),
            TimeSpan.FromMilliseconds(timeout),
            TimeSpan.FromMilliseconds(breakMs),
            retries,
            output,
            json);
    }
}
