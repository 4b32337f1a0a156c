namespace Verity.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) => VerityCli.CreateRootCommand().Parse(args).InvokeAsync();
}
