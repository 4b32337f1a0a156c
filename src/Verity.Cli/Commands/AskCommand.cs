using System.CommandLine;
using System.Globalization;
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
        var command = new Command("ask", "Answer a question from the index as it is written, with numbered citations and their sources.")
        {
            question, mode, topK, json,
        };
        command.SetAction((parse, ct) => CliRunner.RunAsync(async () =>
        {
            await using var services = await CliHost.StartAsync(parse, ct);
            var chat = services.GetRequiredService<ChatService>();
            var request = new ChatRequest
            {
                Question = parse.GetValue(question)!,
                TenantId = Tenants.Default,
                Mode = parse.GetValue(mode),
                TopK = parse.GetValue(topK),
            };
            if (parse.GetValue(json))
            {
                var body = (await chat.AskAsync(request, ct)).ToResponse();
                Console.WriteLine(JsonSerializer.Serialize(body, ServerSetup.ConfigureJson(new JsonSerializerOptions { WriteIndented = true })));
                return 0;
            }

            ChatResult? result = null;
            var started = false;
            await foreach (var update in chat.StreamAsync(request, ct))
            {
                switch (update)
                {
                    case ChatAnswering when !started:
                        started = true;
                        Console.WriteLine();
                        break;
                    case ChatDelta delta:
                        // Plain writes: the answer appears as it is written, without re-wrapping each piece.
                        Console.Write(delta.Text);
                        Console.Out.Flush();
                        break;
                    case ChatRetracted retracted:
                        Console.WriteLine();
                        AnsiConsole.MarkupLine($"[dim]({Markup.Escape(retracted.Generator)} stopped mid-answer: {Markup.Escape(retracted.Reason)}. Disregard the text above; answering again.)[/]");
                        Console.WriteLine();
                        break;
                    case ChatCompleted completed:
                        result = completed.Result;
                        break;
                }
            }

            Print(result ?? throw new InvalidOperationException("The answer stream ended without a result."));
            return 0;
        }));
        return command;
    }

    private static void Print(ChatResult result)
    {
        var body = result.ToResponse();
        Console.WriteLine();
        if (body.Notice is { } notice)
        {
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(notice)}[/]");
        }

        AnsiConsole.WriteLine();
        foreach (var source in body.Sources.Where(s => !result.Grounded || result.Citations.Contains(s.Number)))
        {
            AnsiConsole.MarkupLine($"[bold][[{source.Number}]][/] {Markup.Escape(source.Title)} [grey]({Markup.Escape(source.DocumentId)}{(source.HeadingPath.Length > 0 ? " · " + Markup.Escape(source.HeadingPath) : "")}{(source.Page is { } page ? $" · p. {page}" : "")})[/]");
        }

        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(Status(body))}[/]");
    }

    /// <summary>One line: who answered, whether it is grounded, degraded (and why), cached, and how long it took.</summary>
    private static string Status(ChatResponseBody body)
    {
        var parts = new List<string>
        {
            body.Model is null ? body.Generator : $"{body.Generator} ({body.Model})",
            body.Grounded ? "grounded" : "not grounded",
        };
        if (body.Degraded)
        {
            parts.Add("degraded: " + string.Join("; ", body.Degradations));
        }

        if (body.Cached)
        {
            parts.Add("cached");
        }

        parts.Add(string.Create(CultureInfo.InvariantCulture, $"{body.LatencyMs:0.0} ms"));
        return string.Join(", ", parts);
    }
}
