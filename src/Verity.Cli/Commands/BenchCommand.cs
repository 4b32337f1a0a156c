using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Verity.Evaluation.Load;
using Verity.Server.Infrastructure;

namespace Verity.Cli.Commands;

internal static class BenchCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    private const string TokenVariable = "VERITY_TOKEN";

    public static Command Create()
    {
        var command = new Command("bench", "Measure a running Verity server.");
        command.Subcommands.Add(CreateHttp());
        return command;
    }

    private static Command CreateHttp()
    {
        var url = new Option<Uri>("--url")
        {
            Description = "Base URL of the Verity server to load. Only this address is contacted.",
            DefaultValueFactory = _ => new Uri(DefaultUrl),
            CustomParser = ParseUrl,
        };
        var endpoint = new Option<LoadEndpoint>("--endpoint")
        {
            Description = "Endpoint to load: search (POST /v1/search), chat (POST /v1/chat) or both, alternating.",
            DefaultValueFactory = _ => LoadEndpoint.Both,
        };
        var concurrency = new Option<int>("--concurrency", "-c")
        {
            Description = $"Workers, each with one request in flight (1–{HttpLoadOptions.MaxConcurrency}).",
            DefaultValueFactory = _ => 4,
            CustomParser = result => (int)(ParseWholeNumber(result, "--concurrency", 1, HttpLoadOptions.MaxConcurrency) ?? 4),
        };
        var duration = DurationOption(
            "--duration", "How long to measure, e.g. 30s, 2m (at most 10m).", TimeSpan.FromSeconds(10), allowZero: false);
        var warmup = DurationOption(
            "--warmup", "Load sent before measuring and left out of the figures.", TimeSpan.FromSeconds(2), allowZero: true);
        var queries = new Option<string?>("--queries")
        {
            Description = "File of queries: JSON lines with a \"question\" or \"query\" field, or plain text, one per line "
                + $"(default: {LoadQueries.DemoQuestionsPath} if found above the current directory, else a built-in list).",
        };
        var maxRequests = new Option<long?>("--max-requests")
        {
            Description = "Stop after this many measured requests, even if the duration has not elapsed.",
            CustomParser = result => ParseWholeNumber(result, "--max-requests", 1, long.MaxValue),
        };
        var token = new Option<string?>("--token")
        {
            Description = $"Bearer token for a server that requires sign-in (default: ${TokenVariable}); 'verity token' prints a development one.",
        };
        var json = CliOptions.Json();

        var command = new Command(
            "http",
            "Load POST /v1/search and/or /v1/chat of a running server at a fixed concurrency for a bounded time, then "
            + "report throughput, errors and latency percentiles with a histogram. Exits with 1 if any request failed.")
        {
            url, endpoint, concurrency, duration, warmup, queries, maxRequests, token, json,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            var (queryList, source) = LoadQueries.Resolve(parse.GetValue(queries), Directory.GetCurrentDirectory());
            var options = new HttpLoadOptions
            {
                BaseAddress = parse.GetValue(url)!,
                Queries = queryList,
                Endpoint = parse.GetValue(endpoint),
                Concurrency = parse.GetValue(concurrency),
                Duration = parse.GetValue(duration),
                Warmup = parse.GetValue(warmup),
                MaxRequests = parse.GetValue(maxRequests),
                BearerToken = parse.GetValue(token) is { Length: > 0 } given ? given
                    : Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment.Trim()
                    : null,
            };
            using var runner = CreateRunner(options);
            await runner.EnsureReachableAsync(ct);

            var asJson = parse.GetValue(json);
            var plan = string.Create(CultureInfo.InvariantCulture, $"Loading {Describe(options.Endpoint)} of {options.BaseAddress} with "
                + $"{options.Concurrency} worker(s) for {LoadDuration.Format(options.Duration)} after a "
                + $"{LoadDuration.Format(options.Warmup)} warm-up{(options.MaxRequests is { } max ? $" (at most {max} requests)" : "")}; "
                + $"{queryList.Count} queries from {source}.");
            if (asJson)
            {
                Console.Error.WriteLine("bench: " + plan);
            }
            else
            {
                AnsiConsole.MarkupLine(Markup.Escape(plan));
            }

            // --json keeps standard output for the JSON alone, so its progress goes to standard error as lines.
            var report = !asJson && AnsiConsole.Profile.Capabilities.Interactive
                ? await RunWithProgressBarAsync(runner, ct)
                : await runner.RunAsync(new InlineProgress(p => Console.Error.WriteLine("bench: " + Describe(p, options))), ct);

            if (asJson)
            {
                Console.WriteLine(JsonSerializer.Serialize(report, ServerSetup.ConfigureJson(new JsonSerializerOptions { WriteIndented = true })));
                foreach (var hint in Hints(report))
                {
                    Console.Error.WriteLine("bench: hint: " + hint);
                }
            }
            else
            {
                Print(report);
                foreach (var hint in Hints(report))
                {
                    AnsiConsole.MarkupLine($"[yellow]hint:[/] {Markup.Escape(hint)}");
                }
            }

            return report.Total.Requests > 0 && report.Total.Errors == 0 ? 0 : 1;
        }));
        return command;
    }

    // The parser has checked every option but the token's shape; whatever the engine still refuses is one error line.
    private static HttpLoadRunner CreateRunner(HttpLoadOptions options)
    {
        try
        {
            return new HttpLoadRunner(options);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException(e.Message, e);
        }
    }

    /// <summary>What the usual error statuses mean for a load run, so that a refused run says how to fix it.</summary>
    private static IEnumerable<string> Hints(LoadReport report)
    {
        var statuses = report.Total.ErrorsByStatus;
        if (statuses.ContainsKey(401))
        {
            yield return $"the server requires sign-in: pass --token or set {TokenVariable} ('verity token' prints a development token).";
        }

        if (statuses.ContainsKey(403))
        {
            yield return "the token was refused for this endpoint: searching and chatting need the reader role.";
        }

        if (statuses.ContainsKey(429))
        {
            yield return "the server's rate limits refused requests (Verity:RateLimits); to measure capacity rather than the "
                + "limits, start it with Verity__RateLimits__Enabled=false.";
        }
    }

    private static async Task<LoadReport> RunWithProgressBarAsync(HttpLoadRunner runner, CancellationToken cancellationToken)
    {
        LoadReport? report = null;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("warm-up", maxValue: 1);
                report = await runner.RunAsync(new InlineProgress(p =>
                {
                    task.MaxValue = p.Planned.TotalSeconds;
                    task.Value = Math.Min(p.Elapsed.TotalSeconds, p.Planned.TotalSeconds);
                    task.Description = Markup.Escape(p.Phase switch
                    {
                        LoadPhase.Warmup => $"warm-up, {p.CurrentRequestsPerSecond:0} req/s",
                        LoadPhase.Measuring => $"{p.Requests} requests, {p.CurrentRequestsPerSecond:0} req/s, {p.Errors} errors",
                        _ => $"{p.Requests} requests, waiting for the last responses",
                    });
                }), cancellationToken);
                task.Value = task.MaxValue;
            });
        return report!;
    }

    private static string Describe(LoadProgress p, HttpLoadOptions options) => p.Phase switch
    {
        LoadPhase.Warmup => string.Create(CultureInfo.InvariantCulture,
            $"warm-up {p.Elapsed.TotalSeconds:0}/{options.Warmup.TotalSeconds:0.#} s, {p.CurrentRequestsPerSecond:0.0} req/s"),
        LoadPhase.Measuring => string.Create(CultureInfo.InvariantCulture,
            $"{(p.Elapsed - options.Warmup).TotalSeconds:0}/{options.Duration.TotalSeconds:0.#} s, {p.Requests} requests, "
            + $"{p.CurrentRequestsPerSecond:0.0} req/s, {p.Errors} errors"),
        _ => $"{p.Requests} requests, waiting for the responses still in flight",
    };

    private static string Describe(LoadEndpoint endpoint) => endpoint switch
    {
        LoadEndpoint.Search => "POST /v1/search",
        LoadEndpoint.Chat => "POST /v1/chat",
        _ => "POST /v1/search and /v1/chat (alternating)",
    };

    private static void Print(LoadReport report)
    {
        var total = report.Total;
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{total.Requests}[/] requests in {report.ElapsedS:0.00} s: [bold]{total.RequestsPerSecond:0.0} req/s[/], "
            + $"{(total.Errors == 0 ? "0 errors" : $"[red]{total.Errors} errors[/]")} "
            + $"[grey](concurrency {report.Concurrency}; {report.WarmupRequests} warm-up requests not counted)[/]"));

        // Figures down, endpoints across: four narrow columns fit any terminal, eleven would not.
        var columns = report.Endpoints.Select(e => (Name: e.Key, Stats: e.Value)).ToList();
        if (columns.Count > 1)
        {
            columns.Add(("total", total));
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("");
        foreach (var (name, _) in columns)
        {
            table.AddColumn(new TableColumn($"[bold]{Markup.Escape(name)}[/]").RightAligned());
        }

        void Row(string label, Func<EndpointStats, string> cell) =>
            table.AddRow([label, .. columns.Select(c => cell(c.Stats))]);
        void LatencyRow(string label, Func<LatencySummary, double> figure) =>
            Row(label, s => s.Succeeded > 0 ? Ms(figure(s.LatencyMs)) : "–");

        Row("requests", s => s.Requests.ToString(CultureInfo.InvariantCulture));
        Row("errors", s => s.Errors == 0 ? "0" : $"[red]{s.Errors}[/]");
        Row("requests/s", s => s.RequestsPerSecond.ToString("0.0", CultureInfo.InvariantCulture));
        LatencyRow("min ms", l => l.Min);
        LatencyRow("mean ms", l => l.Mean);
        LatencyRow("p50 ms", l => l.P50);
        LatencyRow("p90 ms", l => l.P90);
        LatencyRow("p95 ms", l => l.P95);
        LatencyRow("p99 ms", l => l.P99);
        LatencyRow("max ms", l => l.Max);
        AnsiConsole.Write(table);

        foreach (var (name, stats) in report.Endpoints)
        {
            if (stats.Errors > 0)
            {
                var parts = stats.ErrorsByStatus.Select(s => $"HTTP {s.Key} × {s.Value}")
                    .Concat(stats.Exceptions.Select(e => $"{e.Key} × {e.Value}"));
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(name)} errors:[/] {Markup.Escape(string.Join(", ", parts))}");
            }
        }

        if (report.Histogram.Count > 0)
        {
            AnsiConsole.WriteLine();
            AnsiConsole.MarkupLine("[grey]Latency of the 2xx responses, all endpoints:[/]");
            var bar = AnsiConsole.Profile.Capabilities.Unicode ? '█' : '#';
            foreach (var line in LoadReportText.Histogram(report.Histogram, barWidth: 40, bar))
            {
                AnsiConsole.MarkupLine(Markup.Escape(line));
            }
        }
    }

    private static string Ms(double value) => value.ToString(value < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    private static Option<TimeSpan> DurationOption(string name, string description, TimeSpan fallback, bool allowZero) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return fallback;
            }

            var text = result.Tokens[0].Value;
            if (!LoadDuration.TryParse(text, out var value))
            {
                result.AddError($"{name}: '{text}' is not a duration (try 30s, 500ms, 2m or 1m30s).");
            }
            else if ((allowZero ? value < TimeSpan.Zero : value <= TimeSpan.Zero) || value > HttpLoadOptions.MaxDuration)
            {
                result.AddError($"{name} must be {(allowZero ? "between 0 and" : "more than 0 and at most")} {LoadDuration.Format(HttpLoadOptions.MaxDuration)}.");
            }

            return value;
        },
    };

    // Parsed here rather than checked by a validator: a validator reads the value again, and that throws on a
    // token that did not parse.
    private static long? ParseWholeNumber(ArgumentResult result, string name, long min, long max)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name}: '{text}' is not a whole number.");
        }
        else if (value < min || value > max)
        {
            result.AddError(max == long.MaxValue ? $"{name} must be at least {min}." : $"{name} must be between {min} and {max}.");
        }

        return value;
    }

    private static Uri? ParseUrl(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : DefaultUrl;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"--url: '{text}' is not an absolute http:// or https:// URL.");
        return null;
    }

    private sealed class InlineProgress(Action<LoadProgress> report) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => report(value);
    }
}
