using Spectre.Console;

namespace Verity.Cli;

public static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Redirected output (CI logs, files) has no terminal width; tables would wrap at 80 columns.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        }

        return VerityCli.CreateRootCommand().Parse(args).InvokeAsync();
    }
}
