using Spectre.Console;
using Verity.Core;

namespace Verity.Cli;

internal static class CliRunner
{
    public const int Failed = 2;

    /// <summary>Runs a command body; domain and configuration errors become one clear line and exit code 2.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (VerityException e)
        {
            Error(e.Message);
            return Failed;
        }
        catch (InvalidOperationException e)
        {
            Error(e.Message);
            return Failed;
        }
        catch (OperationCanceledException)
        {
            Error("Cancelled.");
            return 130;
        }
    }

    public static void Error(string message) =>
        AnsiConsole.Console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
}
