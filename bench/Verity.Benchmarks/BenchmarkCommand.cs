namespace Verity.Benchmarks;

/// <summary>How each long-running benchmark mode runs from the command line: parse its options (usage and exit
/// code 2 on a bad argument), then run until done or Ctrl+C (exit code 130), which still lets its finally blocks
/// delete temporary indexes and stop the servers it started.</summary>
internal static class BenchmarkCommand
{
    public static int Run<TOptions>(Func<TOptions> parse, string usage, Func<TOptions, CancellationToken, Task> run)
    {
        TOptions options;
        try
        {
            options = parse();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(usage);
            return 2;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        try
        {
            run(options, cancellation.Token).GetAwaiter().GetResult();
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
    }
}
