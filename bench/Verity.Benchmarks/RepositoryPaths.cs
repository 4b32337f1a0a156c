namespace Verity.Benchmarks;

internal static class RepositoryPaths
{
    /// <summary>bench/results of the repository the program is run from (found by walking up from the working
    /// directory to Verity.slnx), so results land in the ignored folder whatever the current directory; falls back
    /// to ./bench/results outside a checkout.</summary>
    public static string Results()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Verity.slnx")))
            {
                return Path.Combine(directory.FullName, "bench", "results");
            }
        }

        return Path.GetFullPath(Path.Combine("bench", "results"));
    }
}
