using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Verity.Core.Chat;
using Verity.Core.Model;
using Verity.Server.Contracts;
using Verity.Server.Infrastructure;

namespace Verity.Cli.Commands;

internal static class AskCommand
{
    public static Command Create()
    {
        var question = new Argument<string>("question") { Description = "The question to answer from the index." };
        var mode = CliOptions.Mode();
        var topK = CliOptions.TopK();
        var json = CliOptions.Json();
        var command = new Command("ask", "Answer a question from the index, with numbered citations and their sources.")
        {
            question, mode, topK, json,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            await using var services = await CliHost.StartAsync(parse, ct);
            var result = await services.GetRequiredService<ChatService>().AskAsync(
                new ChatRequest
                {
                    Question = parse.GetValue(question)!,
                    TenantId = Tenants.Default,
                    Mode = parse.GetValue(mode),
                    TopK = parse.GetValue(topK),
                },
                ct);
            var body = new ChatResponseBody(
                result.Answer, result.Sources.Select((s, i) => s.ToSource(i + 1)).ToList(), result.Grounded,
                result.Citations, result.Generator, Math.Round(result.LatencyMs, 2), result.Guardrails);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(body, ServerSetup.ConfigureJson(new JsonSerializerOptions { WriteIndented = true })));
                return 0;
            }

            AnsiConsole.WriteLine();
            AnsiConsole.MarkupLine(result.Grounded ? Markup.Escape(body.Answer) : $"[yellow]{Markup.Escape(body.Answer)}[/]");
            AnsiConsole.WriteLine();
            foreach (var source in body.Sources.Where(s => !result.Grounded || result.Citations.Contains(s.Number)))
            {
                AnsiConsole.MarkupLine($"[bold][[{source.Number}]][/] {Markup.Escape(source.Title)} [grey]({Markup.Escape(source.DocumentId)}{(source.HeadingPath.Length > 0 ? " · " + Markup.Escape(source.HeadingPath) : "")}{(source.Page is { } page ? $" · p. {page}" : "")})[/]");
            }

            AnsiConsole.MarkupLine($"[grey]{(result.Grounded ? "grounded" : "not grounded")}, {body.LatencyMs:0.0} ms[/]");
            return 0;
        }));
        return command;
    }
}
