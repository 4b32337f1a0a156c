namespace Verity.Server.Tests;

internal static class RepositoryPaths
{
    /// <summary>The repository root: the nearest ancestor of the test binaries holding Verity.slnx.</summary>
    public static string Root { get; } = FindRoot();

    public static string DemoCorpus => Path.Combine(Root, "demo", "corpus");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Verity.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Verity.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
