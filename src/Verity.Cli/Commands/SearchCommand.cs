using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Server.Contracts;
using Verity.Server.Infrastructure;

namespace Verity.Cli.Commands;

internal static class SearchCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("query") { Description = "What to look for." };
        var mode = CliOptions.Mode();
        var topK = CliOptions.TopK();
        var json = CliOptions.Json();
        var command = new Command("search", "Search the index and print the best chunks with highlighted excerpts.")
        {
            query, mode, topK, json,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            await using var services = await CliHost.StartAsync(parse, ct);
            var response = await services.GetRequiredService<Retriever>().SearchAsync(
                new SearchRequest
                {
                    Query = parse.GetValue(query)!,
                    TenantId = Tenants.Default,
                    Mode = parse.GetValue(mode),
                    TopK = parse.GetValue(topK),
                },
                ct);
            var body = new SearchResponseBody(response.Query, response.Mode, response.Results.Select(r => r.ToHit()).ToList(), Math.Round(response.ElapsedMs, 2));
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(body, ServerSetup.ConfigureJson(new JsonSerializerOptions { WriteIndented = true })));
                return 0;
            }

            if (body.Results.Count == 0)
            {
                AnsiConsole.MarkupLine("[yellow]No results.[/]");
            }

            var rank = 1;
            foreach (var hit in body.Results)
            {
                AnsiConsole.MarkupLine($"[bold]{rank++}. {Markup.Escape(hit.Title)}[/] [grey]({Markup.Escape(hit.Id)}{(hit.Page is { } page ? $", p. {page}" : "")}, score {hit.Score:0.0000})[/]");
                if (hit.HeadingPath.Length > 0)
                {
                    AnsiConsole.MarkupLine($"   [grey]{Markup.Escape(hit.HeadingPath)}[/]");
                }

                AnsiConsole.MarkupLine("   " + Highlight(hit.Excerpt));
            }

            AnsiConsole.MarkupLine($"[grey]{body.Results.Count} results, {body.Mode.ToString().ToLowerInvariant()}, {body.LatencyMs:0.0} ms[/]");
            return 0;
        }));
        return command;
    }

    /// <summary>Renders the excerpt's <c>**term**</c> marks as bold yellow, escaping everything else.</summary>
    public static string Highlight(string excerpt)
    {
        var parts = excerpt.Split("**");
        return string.Concat(parts.Select((p, i) => i % 2 == 1 ? $"[bold yellow]{Markup.Escape(p)}[/]" : Markup.Escape(p)));
    }
}
