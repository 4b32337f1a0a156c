using System.Diagnostics;
using System.Globalization;
using Verity.Benchmarks.Scale;
using Verity.Benchmarks.Synthetic;

namespace Verity.Benchmarks.Chat;

/// <summary>
/// Does Verity stay fast and available when the model is slow or down? Builds the answer path in this process as the
/// host does, over the ingested demo corpus, with two scripted OpenAI-protocol servers as the primary and fallback
/// models, and asks the demo questions in seven scenarios: no model; a healthy model, cold and then from the answer
/// cache; the primary failing; every model failing; the primary hanging; the healthy model without PII redaction of
/// answers. Each scenario has a fresh container (fresh caches and circuit breakers) except the cache scenario, which
/// reuses the cold one's.
/// </summary>
internal static class ChatBenchmark
{
    private const int ModelWarmupQuestions = 5;
    private const int CalibrationCalls = 15;
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(3);
    private static readonly Dictionary<string, string?> NoModel = [];

    public static int Run(string[] args) =>
        BenchmarkCommand.Run(() => Prepare(args), ChatOptions.Usage, (run, token) => RunAsync(run.Options, run.Demo, token));

    private static (ChatOptions Options, DemoSet Demo) Prepare(string[] args)
    {
        var options = ChatOptions.Parse(args);
        return (options, DemoSet.Load(options.Questions));
    }

    private static async Task RunAsync(ChatOptions options, DemoSet demo, CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Current();
        var started = Stopwatch.GetTimestamp();
        var loadAtStart = Format.LoadAverage();
        var settings = ChatSettings.From(options, demo.Questions.Count);
        Console.WriteLine($"Verity chat benchmark — {machine.Describe()}; load average {loadAtStart}");
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{demo.Questions.Count} questions per scenario; scripted model: {settings.ModelLatencyMs:0} ms to its first byte, {settings.Chunks} chunks " +
            $"{settings.ChunkDelayMs:0} ms apart (≈ {settings.ScriptedAnswerMs:0} ms per answer); each endpoint Timeout {options.Timeout.TotalSeconds:0.###} s, " +
            $"BreakDuration {options.BreakDuration.TotalSeconds:0.###} s, {settings.MaxRetries} retries"));

        var dataDirectory = Path.Combine(Path.GetTempPath(), $"verity-chat-{Guid.NewGuid():N}");
        var models = await FakeModels.StartAsync(options, cancellationToken).ConfigureAwait(false);
        try
        {
            var (documents, chunks) = await SetUpAsync(dataDirectory, models, demo, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"== 0. the scripted model alone, {CalibrationCalls} calls through the plain OpenAI client (no Verity), for reference");
            var calibration = await ModelCalibration.RunAsync(models, CalibrationCalls, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"   latency p50 {ChatReport.Ms(calibration.Latency.P50)}, max {ChatReport.Ms(calibration.Latency.Max)}; first token p50 {ChatReport.Ms(calibration.FirstToken.P50)}"));

            var results = await RunScenariosAsync(options, dataDirectory, models, demo, cancellationToken).ConfigureAwait(false);
            var report = new ChatReport(
                DateTimeOffset.UtcNow,
                ("dotnet run -c Release --project bench/Verity.Benchmarks -- chat " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2))).TrimEnd(),
                machine,
                settings,
                documents,
                chunks,
                calibration,
                results,
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                loadAtStart,
                Format.LoadAverage());

            Console.WriteLine();
            Console.WriteLine(report.ToMarkdown());
            Directory.CreateDirectory(options.OutputDirectory);
            Directory.CreateDirectory(Path.GetDirectoryName(options.ReportJsonPath)!);
            await File.WriteAllTextAsync(options.ReportJsonPath, report.ToJson(), cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(options.MarkdownPath, report.ToMarkdown(), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"wrote {options.ReportJsonPath} and {options.MarkdownPath} (total {report.TotalSeconds:0} s)");
        }
        finally
        {
            await models.DisposeAsync().ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            SyntheticIndex.Delete(dataDirectory);
        }
    }

    /// <summary>Scenarios 1–7, each in a fresh container but 3, which reuses 2's answer cache.</summary>
    private static async Task<IReadOnlyList<ScenarioResult>> RunScenariosAsync(
        ChatOptions options, string dataDirectory, FakeModels models, DemoSet demo, CancellationToken cancellationToken)
    {
        var results = new List<ScenarioResult>();
        async Task MeasureAsync(int number, string name, ChatPipeline pipeline, string modelsNote, TimeSpan interval)
        {
            Console.WriteLine($"== {number}. {name}");
            var scenarioStarted = Stopwatch.GetTimestamp();
            var records = await ScenarioRunner.RunAsync(pipeline, models, demo.Questions, interval, cancellationToken).ConfigureAwait(false);
            var result = ScenarioResult.From(number, name, modelsNote, records, Stopwatch.GetElapsedTime(scenarioStarted).TotalSeconds);
            Console.WriteLine("   " + Describe(result));
            results.Add(result);
        }

        models.Script(ModelBehaviour.Healthy, ModelBehaviour.Healthy);
        await using (var pipeline = await ChatPipeline.StartAsync(dataDirectory, NoModel, cancellationToken).ConfigureAwait(false))
        {
            await MeasureAsync(1, "extractive only (no model configured)", pipeline, "none", TimeSpan.Zero).ConfigureAwait(false);
        }

        const string Healthy = "primary healthy, fallback healthy";
        models.Script(ModelBehaviour.Healthy, ModelBehaviour.Healthy);
        await using (var pipeline = await ChatPipeline.StartAsync(dataDirectory, models.Configuration(), cancellationToken).ConfigureAwait(false))
        {
            await MeasureAsync(2, "model healthy, cold (answer cache empty)", pipeline, Healthy, TimeSpan.Zero).ConfigureAwait(false);
            await MeasureAsync(3, "model healthy, same questions again (answer cache)", pipeline, Healthy, TimeSpan.Zero).ConfigureAwait(false);
        }

        (int Number, string Name, ModelBehaviour Primary, ModelBehaviour Fallback, string Note)[] failures =
        [
            (4, "primary down (HTTP 503), fallback healthy", ModelBehaviour.Unavailable, ModelBehaviour.Healthy, "primary 503, fallback healthy"),
            (5, "every model down (HTTP 503)", ModelBehaviour.Unavailable, ModelBehaviour.Unavailable, "primary 503, fallback 503"),
            (6, "primary hangs (no response), fallback healthy", ModelBehaviour.Hangs, ModelBehaviour.Healthy, "primary hangs, fallback healthy"),
        ];
        foreach (var failure in failures)
        {
            models.Script(failure.Primary, failure.Fallback);
            await using var pipeline = await ChatPipeline.StartAsync(dataDirectory, models.Configuration(), cancellationToken).ConfigureAwait(false);
            await MeasureAsync(failure.Number, failure.Name, pipeline, failure.Note, options.Interval).ConfigureAwait(false);
        }

        // Redacting answers for personal data (the default) releases streamed text a sentence at a time: this is
        // scenario 2 without it, to tell that wait from the rest of the time to the first token.
        models.Script(ModelBehaviour.Healthy, ModelBehaviour.Healthy);
        await using (var pipeline = await ChatPipeline.StartAsync(
            dataDirectory, models.Configuration((ChatPipeline.RedactAnswersKey, "false")), cancellationToken).ConfigureAwait(false))
        {
            await MeasureAsync(7, "as 2, PII redaction of answers off", pipeline, Healthy, TimeSpan.Zero).ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>Ingests the demo corpus, then asks the questions without a model for at least
    /// <see cref="WarmupTime"/> (answer cache off, so that each asking does the whole work) and a few with one, untimed:
    /// the first questions of a process pay for JIT, the tokenizer and the HTTP client, and tiered compilation promotes
    /// the hot paths only after enough calls.</summary>
    private static async Task<(int Documents, int Chunks)> SetUpAsync(
        string dataDirectory, FakeModels models, DemoSet demo, CancellationToken cancellationToken)
    {
        Console.WriteLine($"== setup: ingest {demo.CorpusDirectory} into {dataDirectory}, then warm up");
        int documents, chunks;
        models.Script(ModelBehaviour.Healthy, ModelBehaviour.Healthy);
        var noCache = new Dictionary<string, string?> { [ChatPipeline.AnswerCacheKey] = "false" };
        await using (var pipeline = await ChatPipeline.StartAsync(dataDirectory, noCache, cancellationToken).ConfigureAwait(false))
        {
            var ingest = await pipeline.IngestAsync(demo.CorpusDirectory, cancellationToken).ConfigureAwait(false);
            if (ingest.Failed.Count > 0)
            {
                throw new InvalidOperationException($"{ingest.Failed.Count} demo documents failed to ingest, e.g. {ingest.Failed[0].Path}: {ingest.Failed[0].Reason}");
            }

            (documents, chunks) = (ingest.Added, ingest.ChunksEmbedded);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {documents} documents, {chunks} chunks in {ingest.Elapsed.TotalSeconds:0.0} s"));
            var warmup = Stopwatch.GetTimestamp();
            do
            {
                await ScenarioRunner.RunAsync(pipeline, models, demo.Questions, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            }
            while (Stopwatch.GetElapsedTime(warmup) < WarmupTime);
        }

        await using (var pipeline = await ChatPipeline.StartAsync(dataDirectory, models.Configuration(), cancellationToken).ConfigureAwait(false))
        {
            await ScenarioRunner.RunAsync(pipeline, models, [.. demo.Questions.Take(ModelWarmupQuestions)], TimeSpan.Zero, cancellationToken)
                .ConfigureAwait(false);
        }

        return (documents, chunks);
    }

    private static string Describe(ScenarioResult r)
    {
        var firstToken = r.FirstToken is { } t ? $"first token p50 {ChatReport.Ms(t.P50)}, p95 {ChatReport.Ms(t.P95)}; " : "";
        var retracted = r.Retracted > 0 ? $", retracted {r.Retracted}" : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"latency p50 {ChatReport.Ms(r.Latency.P50)}, p95 {ChatReport.Ms(r.Latency.P95)}, max {ChatReport.Ms(r.Latency.Max)}; {firstToken}" +
            $"cache hits {r.CacheHits}/{r.Requests}; model requests {r.PrimaryRequests} primary, {r.FallbackRequests} fallback; " +
            $"answered by {string.Join(", ", r.AnsweredBy.Select(p => $"{p.Key} {p.Value}"))}; degraded {r.Degraded}, grounded {r.Grounded}{retracted} ({r.Seconds:0.0} s)");
    }

}
